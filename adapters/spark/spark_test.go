package spark_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/adapters/spark"
	"github.com/dealdesk/dealdesk/core"
)

var fetchedAt = time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)

type fixedClock struct{}

func (fixedClock) Now() time.Time { return fetchedAt }

// logBuffer collects log lines from concurrent calls.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// newClient returns a client of f with fast retries; edit changes the
// config. At the end it checks that the password never reached the log.
func newClient(t *testing.T, f *fakeSpark, edit func(*spark.Config)) *spark.Client {
	t.Helper()
	cfg := spark.Config{
		URL: f.URL, Login: testLogin, Password: testPassword,
		Timeout: 2 * time.Second, RetryWait: 5 * time.Millisecond, Clock: fixedClock{},
	}
	if edit != nil {
		edit(&cfg)
	}
	logs := &logBuffer{}
	t.Cleanup(func() {
		if strings.Contains(logs.String(), testPassword) {
			t.Errorf("the password is in the log:\n%s", logs)
		}
	})
	return spark.New(cfg, zerolog.New(logs).Level(zerolog.DebugLevel))
}

// wantErr checks err's code and key and that it does not show the password.
func wantErr(t *testing.T, err error, code, key string) {
	t.Helper()
	var e *core.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want a core.Error %s %s", err, code, key)
	}
	if e.Code != code || e.Key != key {
		t.Fatalf("err = %v, want %s %s", err, code, key)
	}
	if e.Args["Source"] != "spark" {
		t.Errorf("Source = %v, want spark", e.Args["Source"])
	}
	if strings.Contains(err.Error(), testPassword) {
		t.Errorf("the error shows the password: %v", err)
	}
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestLookupCompany(t *testing.T) {
	f := newFake(t)
	c := newClient(t, f, nil)
	if got := c.Name(); got != "spark" {
		t.Errorf("Name() = %q", got)
	}
	got, err := c.Lookup(context.Background(), sberINN, "")
	if err != nil {
		t.Fatal(err)
	}
	want := &core.RegistryRecord{
		Source: "spark", Kind: core.KindLegal, INN: sberINN, KPP: "773601001", OGRN: "1027700132195",
		ShortName: "ПАО СБЕРБАНК", FullName: `ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО "СБЕРБАНК РОССИИ"`,
		Address:  "г. Москва, ул. Вавилова, д. 19",
		Director: "Греф Герман Оскарович", DirectorPost: "президент, председатель правления",
		RegisteredAt: day(1991, 6, 20), Status: core.StatusActive, StatusText: "Действующее",
		OKVED: "64.19", OKVEDName: "Денежное посредничество прочее", FetchedAt: fetchedAt,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if got, want := f.paramsOf("GetCompanyShortReport"), []string{"sparkId", "inn", "ogrn"}; !reflect.DeepEqual(got, want) {
		t.Errorf("parameters = %v, want %v", got, want)
	}
	// The session is reused: no second login.
	if _, err := c.Lookup(context.Background(), sberINN, "773601001"); err != nil {
		t.Fatal(err)
	}
	if n := f.count("Authmethod"); n != 1 {
		t.Errorf("Authmethod called %d times, want 1", n)
	}
}

func TestLookupEntrepreneur(t *testing.T) {
	f := newFake(t)
	got, err := newClient(t, f, nil).Lookup(context.Background(), ipINN, "")
	if err != nil {
		t.Fatal(err)
	}
	want := &core.RegistryRecord{
		Source: "spark", Kind: core.KindIndividual, INN: ipINN, OGRN: "319774600178101",
		ShortName: "ИП Иванов Иван Иванович", FullName: "Иванов Иван Иванович", Director: "Иванов Иван Иванович",
		RegisteredAt: day(2019, 5, 22), Status: core.StatusActive, StatusText: "Действующее",
		OKVED: "49.41", OKVEDName: "Деятельность автомобильного грузового транспорта",
		Risks:     []core.RiskFlag{{Code: core.RiskOther, Text: "Реестр недобросовестных поставщиков"}},
		FetchedAt: fetchedAt,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if n := f.count("GetEntrepreneurShortReport"); n != 1 {
		t.Errorf("GetEntrepreneurShortReport called %d times", n)
	}
	if got, want := f.paramsOf("GetEntrepreneurShortReport"), []string{"inn"}; !reflect.DeepEqual(got, want) {
		t.Errorf("parameters = %v, want %v", got, want)
	}
}

func TestLookupLiquidated(t *testing.T) {
	got, err := newClient(t, newFake(t), nil).Lookup(context.Background(), liquidatedINN, "")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != core.StatusLiquidated || got.StatusText != "Ликвидировано" || !got.Status.BlocksDeals() {
		t.Errorf("status = %s %q", got.Status, got.StatusText)
	}
	if want := day(2021, 3, 15); !got.LiquidatedAt.Equal(want) {
		t.Errorf("LiquidatedAt = %v, want %v", got.LiquidatedAt, want)
	}
	want := []core.RiskFlag{
		{Code: core.RiskDueDiligence, Text: "Высокий риск (85)"},
		{Code: core.RiskMassAddress, Text: "57"},
		{Code: core.RiskMassDirector, Text: "23"},
	}
	if !reflect.DeepEqual(got.Risks, want) {
		t.Errorf("risks = %+v, want %+v", got.Risks, want)
	}
}

// Values outside the subscription ("*") are unknown, never copied.
func TestLookupStars(t *testing.T) {
	got, err := newClient(t, newFake(t), nil).Lookup(context.Background(), starsINN, "")
	if err != nil {
		t.Fatal(err)
	}
	want := &core.RegistryRecord{
		Source: "spark", Kind: core.KindLegal, INN: starsINN, OGRN: "1027800000000",
		ShortName: `ООО "ЗВЕЗДА"`, Status: core.StatusActive, FetchedAt: fetchedAt,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestLookupStatus(t *testing.T) {
	for _, tt := range []struct {
		attrs string
		want  core.CompanyStatus
		text  string
	}{
		{`IsActing="1" Code="24" Type="Действующее"`, core.StatusActive, "Действующее"},
		{`IsActing="1" Type="В стадии ликвидации"`, core.StatusLiquidating, "В стадии ликвидации"},
		{`IsActing="0" Type="Ликвидировано"`, core.StatusLiquidated, "Ликвидировано"},
		{`IsActing="0" Type="Исключено из ЕГРЮЛ"`, core.StatusLiquidated, "Исключено из ЕГРЮЛ"},
		{`IsActing="0" Type="Прекратило деятельность при присоединении"`, core.StatusLiquidated, "Прекратило деятельность при присоединении"},
		{`IsActing="1" Type="В стадии банкротства"`, core.StatusBankrupt, "В стадии банкротства"},
		{`IsActing="1" Type="В процессе реорганизации в форме присоединения"`, core.StatusReorganizing, "В процессе реорганизации в форме присоединения"},
		{`IsActing="0" GroupName="Недействующее"`, core.StatusUnknown, "Недействующее"},
		{`IsActing="0" Type="Регистрация признана некорректной"`, core.StatusUnknown, "Регистрация признана некорректной"},
		{`IsActing="1"`, core.StatusActive, ""},
		{`IsActing="*" Type="*"`, core.StatusUnknown, ""},
	} {
		f := newFake(t)
		f.setReport(sberINN, statusDoc(sberINN, tt.attrs))
		got, err := newClient(t, f, nil).Lookup(context.Background(), sberINN, "")
		if err != nil {
			t.Fatalf("%s: %v", tt.attrs, err)
		}
		if got.Status != tt.want || got.StatusText != tt.text {
			t.Errorf("%s: status %s %q, want %s %q", tt.attrs, got.Status, got.StatusText, tt.want, tt.text)
		}
	}
}

func TestLookupNotFound(t *testing.T) {
	f := newFake(t)
	c := newClient(t, f, nil)
	_, err := c.Lookup(context.Background(), missingINN, "")
	wantErr(t, err, core.ENOTFOUND, core.ErrRegistryNotFound)
	if !core.IsNotFound(err) {
		t.Error("IsNotFound = false")
	}
	// A successful answer without a report is not found too.
	f.setReport(missingINN, emptyDoc)
	_, err = c.Lookup(context.Background(), missingINN, "")
	wantErr(t, err, core.ENOTFOUND, core.ErrRegistryNotFound)
}

func TestLookupInvalidINN(t *testing.T) {
	f := newFake(t)
	_, err := newClient(t, f, nil).Lookup(context.Background(), "7707083894", "")
	if core.ErrorCode(err) != core.EINVALID {
		t.Errorf("err = %v, want EINVALID", err)
	}
	if n := f.count("Authmethod"); n != 0 {
		t.Errorf("SPARK was called for an invalid INN")
	}
}

// A session SPARK forgot is renewed once, transparently.
func TestLookupSessionExpired(t *testing.T) {
	f := newFake(t)
	c := newClient(t, f, nil)
	if _, err := c.Lookup(context.Background(), sberINN, ""); err != nil {
		t.Fatal(err)
	}
	f.expireSessions()
	got, err := c.Lookup(context.Background(), ipINN, "")
	if err != nil {
		t.Fatal(err)
	}
	if got.INN != ipINN {
		t.Errorf("INN = %s", got.INN)
	}
	if n := f.count("Authmethod"); n != 2 {
		t.Errorf("Authmethod called %d times, want 2", n)
	}
}

// Concurrent lookups share one login.
func TestLookupConcurrent(t *testing.T) {
	f := newFake(t)
	c := newClient(t, f, nil)
	var wg sync.WaitGroup
	for i := range 8 {
		inn := []string{sberINN, ipINN, liquidatedINN, starsINN}[i%4]
		wg.Go(func() {
			if _, err := c.Lookup(context.Background(), inn, ""); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := f.count("Authmethod"); n != 1 {
		t.Errorf("Authmethod called %d times, want 1", n)
	}
}

func TestClose(t *testing.T) {
	f := newFake(t)
	c := newClient(t, f, nil)
	if err := c.Close(context.Background()); err != nil || f.count("End") != 0 {
		t.Fatalf("Close without a session: %v, End called %d times", err, f.count("End"))
	}
	if _, err := c.Lookup(context.Background(), sberINN, ""); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := f.count("End"); n != 1 {
		t.Errorf("End called %d times, want 1", n)
	}
	// The client logs in again after Close.
	if _, err := c.Lookup(context.Background(), sberINN, ""); err != nil {
		t.Fatal(err)
	}
	if n := f.count("Authmethod"); n != 2 {
		t.Errorf("Authmethod called %d times, want 2", n)
	}
}
