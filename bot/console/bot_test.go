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

// runConsole runs the real bot on the console with input and returns what
// it printed.
func runConsole(t *testing.T, in string) string {
	t.Helper()
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
	return out.String()
}

// TestConsoleWithTheBot: on the console with the real bot, a number that
// names no shown button is answered in the user's language with the
// numbers there are; after an error the shown button still works; and in
// a dialog a number is an answer to its step.
func TestConsoleWithTheBot(t *testing.T) {
	text := runConsole(t, "/client 7707083893\n7\n/deal D-1\n1\n7\n")
	bundle := locales.MustLoad()
	p := bundle.Printer("ru", nil)
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

// TestNumberAnswersTheDialogAskedSinceTheButton: a deal's card is shown,
// then a dialog asks for text; «1» typed is the dialog's answer, not a
// press of the card's first button (which would move the deal).
func TestNumberAnswersTheDialogAskedSinceTheButton(t *testing.T) {
	out := runConsole(t, "/client 7707083893\n1\nПАО Сбербанк\n-\n-\n-\n-\nда\n/deal new 7707083893 Лизинг 100\n1\n"+
		"/deal D-2026-0001\n/task new\n1\n/deal D-2026-0001\n")
	if strings.Contains(out, "переведена на стадию") {
		t.Fatalf("a number typed to the task's question moved the deal:\n%s", out)
	}
	if !strings.Contains(out, "Стадия: новая") {
		t.Fatalf("the deal is not shown:\n%s", out)
	}
}
