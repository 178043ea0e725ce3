package console_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/console"
	"github.com/dealdesk/dealdesk/bot/usecases"
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/locales"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// TestConsoleWithTheBot: on the console with the real bot, a number that
// names no shown button is answered in the user's language with the
// numbers there are; after an error the shown button still works; and in
// a dialog a number is an answer to its step.
func TestConsoleWithTheBot(t *testing.T) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "dealdesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := core.NewService(db, core.WithPlatforms(core.PlatformConsole))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := svc.SeedAdmins(ctx, []core.Admin{{Identity: core.PlatformConsole + ":" + console.UserID, Name: "Админ"}}); err != nil {
		t.Fatal(err)
	}
	bundle := locales.MustLoad()
	b := bot.New(bot.Config{Service: svc, Locales: bundle, Logger: zerolog.Nop(), UseCases: usecases.All})
	var out bytes.Buffer
	in := "/client 7707083893\n7\n/deal D-1\n1\n7\n"
	tr := console.New(strings.NewReader(in), &out, false, t.TempDir())
	b.AddTransport(tr)
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.Run(ctx, 50*time.Millisecond, time.Second)
	}()
	if err := tr.Run(ctx, b); !errors.Is(err, io.EOF) {
		t.Fatalf("Run = %v, want io.EOF", err)
	}
	cancel()
	<-done
	p := bundle.Printer("ru", nil)
	text := out.String()
	for _, want := range []string{
		"[1] " + p.T("btn.client.create", nil),
		p.T("msg.choice.one", bot.Args{"N": "7", "Min": "1"}),
		p.T("err.deal.number_format", bot.Args{"Number": "D-1"}),
		p.T("flow.client.name", nil), // «1» still pressed «Создать карточку» after the error
		p.T("flow.client.kpp", nil),  // in a dialog, a number is an answer
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the console does not show %q:\n%s", want, text)
		}
	}
}
