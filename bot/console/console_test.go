package console_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/console"
	"github.com/dealdesk/dealdesk/core"
)

// TestRun checks commands, numbered buttons, multi-line blocks and the end
// of piped input.
func TestRun(t *testing.T) {
	in := "/deal new\n\n1\n2\n\"\"\"\n/clients\nООО «Ромашка»\nИНН 7707083893\n\"\"\"\nplain text\n"
	var out bytes.Buffer
	tr := console.New(strings.NewReader(in), &out, false, t.TempDir())
	var got []*bot.Update
	err := tr.Run(context.Background(), funcInbox(func(ctx context.Context, u *bot.Update) {
		got = append(got, u)
		if len(got) == 1 { // answer the first message with two buttons
			if _, err := tr.Send(ctx, &bot.Message{Text: "Выберите", Buttons: [][]bot.ButtonView{
				{{Label: "Да", Token: "tok-yes"}, {Label: "Нет", Token: "tok-no"}}}}); err != nil {
				t.Error(err)
			}
		}
	}))
	if !errors.Is(err, io.EOF) {
		t.Fatalf("Run = %v, want io.EOF at the end of input", err)
	}
	if len(got) != 5 {
		t.Fatalf("got %d updates, want 5: %+v", len(got), got)
	}
	if got[0].Command != "deal" || got[0].Args != "new" || got[0].UserID != console.UserID {
		t.Errorf("command update = %+v", got[0])
	}
	if got[1].Token != "tok-yes" || got[1].Text != "1" {
		t.Errorf("choice 1 = %+v, want the first button's token with the number typed", got[1])
	}
	if got[2].Token != "tok-no" {
		t.Errorf("a shown button's number stopped working after another was pressed: %+v", got[2])
	}
	if got[3].Command != "clients" || got[3].Args != "ООО «Ромашка»\nИНН 7707083893" {
		t.Errorf("block = %+v", got[3])
	}
	if got[4].Text != "plain text" || got[4].Command != "" {
		t.Errorf("text = %+v", got[4])
	}
	if !strings.Contains(out.String(), "Выберите\n  [1] Да [2] Нет") {
		t.Errorf("buttons shown as %q", out.String())
	}
}

// TestNumbersOfShownButtons: a shown button's number works until new
// buttons are shown after an input or its message's buttons are removed; a
// reply without buttons (an error) leaves them. A number that names no
// shown button goes to the bot as bot.NoChoiceCommand with the numbers
// shown; a longer number is text.
func TestNumbersOfShownButtons(t *testing.T) {
	in := "/three\n7\n2\n3\n/two\n3\n1\n7707083893\n"
	var out bytes.Buffer
	tr := console.New(strings.NewReader(in), &out, false, t.TempDir())
	var got []*bot.Update
	var three string // the message id of the three buttons
	send := func(ctx context.Context, m *bot.Message) string {
		id, err := tr.Send(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	err := tr.Run(context.Background(), funcInbox(func(ctx context.Context, u *bot.Update) {
		got = append(got, u)
		switch {
		case u.Command == "three":
			three = send(ctx, &bot.Message{Text: "Три", Buttons: [][]bot.ButtonView{
				{{Label: "А", Token: "a"}, {Label: "Б", Token: "b"}}, {{Label: "В", Token: "c"}}}})
		case u.Token == "b": // a decision: its message's buttons go away
			send(ctx, &bot.Message{EditID: u.MessageID})
			send(ctx, &bot.Message{Text: "Готово"})
		case u.Command == "two": // one reply, two messages with a button each
			send(ctx, &bot.Message{Text: "Первое", Buttons: [][]bot.ButtonView{{{Label: "Г", Token: "d"}}}})
			send(ctx, &bot.Message{Text: "Второе", Buttons: [][]bot.ButtonView{{{Label: "Д", Token: "e"}}}})
		default:
			send(ctx, &bot.Message{Text: "Ошибка"}) // a reply without buttons
		}
	}))
	if !errors.Is(err, io.EOF) {
		t.Fatalf("Run = %v, want io.EOF", err)
	}
	want := []struct{ token, msgID, cmd, args string }{
		{cmd: "three"},
		{cmd: bot.NoChoiceCommand, args: "7 1 3"},
		{token: "b", msgID: three},
		{cmd: bot.NoChoiceCommand, args: "3"}, // the buttons of that message are gone
		{cmd: "two"},
		{cmd: bot.NoChoiceCommand, args: "3 1 2"},
		{token: "d"},
		{},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d updates, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		u := got[i]
		if u.Token != w.token || w.msgID != "" && u.MessageID != w.msgID || u.Command != w.cmd || u.Args != w.args {
			t.Errorf("update %d = %+v, want %+v", i, u, w)
		}
		if w.token == "" && u.Text == "" {
			t.Errorf("update %d has no text: %+v", i, u)
		}
	}
	if s := out.String(); !strings.Contains(s, "Первое\n  [1] Г") || !strings.Contains(s, "Второе\n  [2] Д") {
		t.Errorf("the messages of one reply are not numbered on: %q", s)
	}
}

func TestSendWritesFiles(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	tr := console.New(strings.NewReader(""), &out, false, dir)
	if _, err := tr.Send(context.Background(), &bot.Message{Text: "Отчёт",
		Files: []bot.File{{Name: "../report.csv", Data: []byte("a;b\n")}}}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "report.csv"))
	if err != nil || string(data) != "a;b\n" {
		t.Fatalf("file = %q, %v", data, err)
	}
	if !strings.Contains(out.String(), filepath.Join(dir, "report.csv")) {
		t.Fatalf("path not shown: %q", out.String())
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	tr := console.New(pr, io.Discard, true, t.TempDir())
	done := make(chan error)
	go func() { done <- tr.Run(ctx, funcInbox(func(context.Context, *bot.Update) {})) }()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", err)
	}
}

func TestOverlongLineIsPassedOn(t *testing.T) {
	in := strings.Repeat("я", 600*1024) + "\n/help\n"
	tr := console.New(strings.NewReader(in), io.Discard, false, t.TempDir())
	var got []string
	err := tr.Run(context.Background(), funcInbox(func(_ context.Context, u *bot.Update) { got = append(got, u.Text) }))
	if !errors.Is(err, io.EOF) || len(got) != 2 || got[1] != "/help" || len(got[0]) > 64*1024 || len(got[0]) < bot.MaxTextLen {
		t.Fatalf("Run = %v, got %d updates", err, len(got))
	}
}

// funcInbox hands each taken update to a function at once.
type funcInbox func(context.Context, *bot.Update)

func (f funcInbox) Take(ctx context.Context, _ *core.TransportCursor, ups ...*bot.Update) error {
	for _, u := range ups {
		f(ctx, u)
	}
	return nil
}

func (funcInbox) Cursor(context.Context, string) (string, error) { return "", nil }

func (funcInbox) Settle(context.Context, string, string) error { return nil }

// TestMessageIDsAcrossStarts: the ids of the messages typed and printed
// are never given twice, however often the console starts again: a case
// kept in the console's chat collects each message once by its id, and
// would take a line typed after a restart for one it has.
func TestMessageIDsAcrossStarts(t *testing.T) {
	seen := map[string]bool{}
	for start := range 3 {
		tr := console.New(strings.NewReader("раз\nдва\n"), io.Discard, false, t.TempDir())
		err := tr.Run(context.Background(), funcInbox(func(ctx context.Context, u *bot.Update) {
			id, err := tr.Send(ctx, &bot.Message{Text: "ок"})
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range []string{u.MessageID, id} {
				if x == "" || seen[x] {
					t.Errorf("start %d: id %q given twice", start, x)
				}
				seen[x] = true
			}
		}))
		if !errors.Is(err, io.EOF) {
			t.Fatalf("Run = %v", err)
		}
	}
	if len(seen) != 12 {
		t.Fatalf("%d ids, want 12", len(seen))
	}
}

// TestRunAgainLosesNoLine: a Run cancelled while a line is on its way (on
// PostgreSQL the console runs only while its instance leads) and a later
// Run: every line is handled once, in order.
func TestRunAgainLosesNoLine(t *testing.T) {
	pr, pw := io.Pipe()
	var out bytes.Buffer
	tr := console.New(pr, &out, false, t.TempDir())
	got := make(chan string, 10)
	in := funcInbox(func(_ context.Context, u *bot.Update) { got <- u.Text })

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- tr.Run(ctx, in) }()
	_, _ = io.WriteString(pw, "/first\n")
	if s := <-got; s != "/first" {
		t.Fatalf("first run took %q", s)
	}
	cancel()
	<-done
	// Typed while no Run reads.
	go func() { _, _ = io.WriteString(pw, "/second\n/third\n"); _ = pw.Close() }()
	time.Sleep(50 * time.Millisecond)
	if err := tr.Run(context.Background(), in); err != io.EOF {
		t.Fatalf("second run ended with %v, want io.EOF", err)
	}
	close(got)
	var rest []string
	for s := range got {
		rest = append(rest, s)
	}
	if strings.Join(rest, ",") != "/second,/third" {
		t.Fatalf("second run took %v, want /second and /third", rest)
	}
}
