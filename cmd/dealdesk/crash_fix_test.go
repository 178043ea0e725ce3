package main

import (
	"context"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
	"github.com/dealdesk/dealdesk/core"
)

// startWithoutPDF starts the child as crashChild.start does, with no
// LibreOffice to start: no document is made here.
func startWithoutPDF(c *crashChild) {
	c.t.Helper()
	var err error
	c.log, err = os.OpenFile(filepath.Join(c.dir, "child.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		c.t.Fatal(err)
	}
	cmd := childCommand(c.t, c.dir, "DEALDESK_TEST_NO_LIMITS=1", "DEALDESK_CHAT_BURST=1000", "DEALDESK_CONSOLE=off",
		"DEALDESK_ADMINS=telegram:"+strconv.Itoa(adminTG), "DEALDESK_OUTBOX_INTERVAL=50ms", "DEALDESK_SOFFICE="+noSoffice,
		"TELEGRAM_TOKEN="+c.srv.Token, "TELEGRAM_API_URL="+c.srv.URL)
	cmd.Stdout, cmd.Stderr = c.log, c.log
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	c.cmd = cmd
}

// TestCrashFixApprovedOnce: a sensitive correction (the card's KPP) waits
// for a head's approval; the head presses «Одобрить» and DealDesk is killed
// (kill -9, or SIGTERM every third time) at a random moment 0–80 ms later
// (0–15 ms every other time, while the press is being handled),
// then started again; each time the correction is applied and told. In the
// end every correction was applied exactly once: the card has the last
// KPP, each correction is applied with one audit record of the card's
// field and one of its approval, the field's records follow one another
// (each one's old value the one before's new), and neither the head's
// answer nor the proposer's notice went out twice but for a message in
// flight at a kill -9.
func TestCrashFixApprovedOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills the program many times")
	}
	srv := telegramtest.NewServer(t)
	c := &crashChild{t: t, srv: srv, dir: t.TempDir()}
	start := func() { startWithoutPDF(c) }
	start()
	log := func() string {
		logs, _ := os.ReadFile(filepath.Join(c.dir, "child.log"))
		return "child log:\n" + tail(string(logs), 3000)
	}
	// find waits for a message to chat, sent after the first n, holding
	// want or a button labelled want.
	find := func(chat int64, n int, want string) telegramtest.SentMessage {
		t.Helper()
		var got telegramtest.SentMessage
		waitUntil(t, "«"+want+"»", 30*time.Second, func() bool {
			for _, m := range srv.Sent()[n:] {
				if m.ChatID == chat && !strings.HasPrefix(m.Method, "edit") && (strings.Contains(m.Text, want) || hasButton(m, want)) {
					got = m
					return true
				}
			}
			return false
		}, log)
		return got
	}
	say := func(user int64, text, want string) telegramtest.SentMessage {
		t.Helper()
		n := len(srv.Sent())
		srv.SendText(user, user, text)
		return find(user, n, want)
	}
	data := func(m telegramtest.SentMessage, label string) string {
		t.Helper()
		for _, row := range m.Buttons {
			for _, b := range row {
				if b.Text == label {
					return b.Data
				}
			}
		}
		t.Fatalf("no button %q in %+v", label, m)
		return ""
	}
	press := func(user int64, m telegramtest.SentMessage, label, want string) telegramtest.SentMessage {
		t.Helper()
		n := len(srv.Sent())
		srv.Press(user, user, m.MessageID, data(m, label))
		return find(user, n, want)
	}

	// A head joins; the admin makes the card by its dialog.
	invite := say(adminTG, "/invite head", "/start ")
	code := inviteCode.FindStringSubmatch(invite.Text)
	if code == nil {
		t.Fatalf("no invite code in %q", invite.Text)
	}
	say(headTG, "/start "+code[1], "Ваша роль")
	m := say(adminTG, "/client 7707083893", "Создать карточку")
	press(adminTG, m, "Создать карточку", "Наименование клиента")
	say(adminTG, "ПАО Сбербанк", "КПП")
	say(adminTG, "773601001", "ОГРН")
	say(adminTG, "1027700132195", "")
	m = say(adminTG, "-", "Пропустить")
	m = press(adminTG, m, "Пропустить", "Создать")
	press(adminTG, m, "Создать", "Карточка клиента создана")

	const rounds = 20
	kills, answeredBefore := 0, 0
	killed := map[int64]bool{} // the corrections approved around a kill -9
	var ids []int64
	var kpps []string
	for i := range rounds {
		kpp := "7736010" + strconv.Itoa(10+i)
		n := len(srv.Sent())
		// The admin proposes; the head is asked personally (no heads' chat).
		pending := say(adminTG, "/fix 7707083893 кпп "+kpp+" причина: выписка "+strconv.Itoa(i+1), "ждёт одобрения")
		id := number(t, pending.Text, "Корректировка #")
		ref := "Корректировка #" + strconv.FormatInt(id, 10)
		ask := find(headTG, n, ref+" ждёт вашего одобрения")
		ids, kpps = append(ids, id), append(kpps, kpp)

		n = len(srv.Sent())
		srv.Press(headTG, headTG, ask.MessageID, data(ask, "Одобрить"))
		// Within 80 ms; every other time within 15, where the press is
		// still being handled (it takes a few milliseconds).
		time.Sleep(time.Duration(rand.IntN([]int{80, 15}[i%2])) * time.Millisecond)
		sig := syscall.SIGKILL
		if i%3 == 2 {
			sig = syscall.SIGTERM
		} else {
			kills++
			killed[id] = true
		}
		c.stop(sig)
		// Where the kill fell: after the head was answered, or before.
		for _, m := range srv.Sent()[n:] {
			if m.ChatID == headTG && strings.HasPrefix(m.Text, ref+" одобрена") {
				answeredBefore++
				break
			}
		}
		start()
		find(headTG, n, ref+" одобрена (User 3003) и применена")
		find(adminTG, n, ref+" применена")
	}
	// A correction applied or told twice would be by now.
	time.Sleep(500 * time.Millisecond)
	c.stop(syscall.SIGTERM)

	dups := 0
	for _, id := range ids {
		ref := "Корректировка #" + strconv.FormatInt(id, 10)
		for _, told := range []struct {
			chat int64
			want string
		}{{headTG, ref + " одобрена"}, {adminTG, ref + " применена"}} {
			got := 0
			for _, s := range texts(srv, told.chat) {
				if strings.HasPrefix(s, told.want) {
					got++
				}
			}
			most := 1
			if killed[id] {
				most = 2
			}
			if got < 1 || got > most {
				t.Errorf("«%s» sent %d times (kill -9 in flight: %v)", told.want, got, killed[id])
			}
			dups += got - 1
		}
	}
	if dups > kills {
		t.Errorf("%d notices sent twice, more than the %d kill -9 in flight", dups, kills)
	}

	// The database: each correction applied once, the card at the last KPP.
	db := openMain(t, c.dir, io.Discard)
	ctx := context.Background()
	cards, err := db.Service.FindClientsByINN(ctx, core.Actor{Source: "test"}, "7707083893")
	if err != nil || len(cards) != 1 {
		t.Fatalf("the card: %v %+v", err, cards)
	}
	card := cards[0]
	if card.KPP != kpps[len(kpps)-1] {
		t.Errorf("KPP = %q, want %q", card.KPP, kpps[len(kpps)-1])
	}
	err = db.DB.View(ctx, func(tx core.Tx) error {
		changes, err := tx.Changes(core.EntityClient, card.ID)
		if err != nil {
			return err
		}
		per := map[int64][]*core.Change{}
		for _, ch := range changes {
			if ch.Field == core.FieldKPP && ch.Correction != 0 {
				per[ch.Correction] = append(per[ch.Correction], ch)
			}
		}
		old := "773601001"
		for i, id := range ids {
			corr, err := tx.CorrectionByID(id)
			if err != nil {
				return err
			}
			if corr.Status != core.CorrectionApplied {
				t.Errorf("correction #%d is %s", id, corr.Status)
			}
			if got := per[id]; len(got) != 1 || got[0].Old != old || got[0].New != kpps[i] || got[0].Reason != "выписка "+strconv.Itoa(i+1) {
				t.Errorf("correction #%d wrote the KPP %d times: %+v", id, len(got), got)
			}
			old = kpps[i]
			status, err := tx.Changes(core.EntityCorrection, id)
			if err != nil {
				return err
			}
			if len(status) != 2 || status[1].Old != string(core.CorrectionPending) || status[1].New != string(core.CorrectionApplied) {
				t.Errorf("correction #%d's status records: %+v", id, status)
			}
		}
		if len(per) != len(ids) {
			t.Errorf("%d corrections wrote the KPP, want %d", len(per), len(ids))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d rounds, %d kill -9, %d answered before the kill, %d notices sent twice", rounds, kills, answeredBefore, dups)
}
