// Package console is the terminal transport of DealDesk: it reads messages
// from standard input and writes replies to standard output. Buttons are
// shown as numbered choices, chosen by typing the number. A message of
// several lines (a pasted company card) goes between two lines of """.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// UserID is the console user's id; their identity is console:local.
const UserID = "local"

// ChatID is the console's one chat.
const ChatID = "local"

// BlockDelimiter starts and ends a message of several lines.
const BlockDelimiter = `"""`

// Transport is the console transport.
type Transport struct {
	in          io.Reader
	out         io.Writer
	interactive bool   // print a prompt
	filesDir    string // where sent files are written
	userName    string

	mu      sync.Mutex
	seq     int               // message ids
	choices map[string]string // "1" → token, for the buttons shown since the last input
}

// New returns a console transport. interactive prints a prompt before each
// input; files sent to the console are written to filesDir.
func New(in io.Reader, out io.Writer, interactive bool, filesDir string) *Transport {
	return &Transport{in: in, out: out, interactive: interactive, filesDir: filesDir, userName: UserName(),
		choices: map[string]string{}}
}

// UserName is the console user's display name: the operating system user.
func UserName() string {
	if name := os.Getenv("USER"); name != "" {
		return name
	}
	return "console"
}

// ResumeUpdate is an update from the console user with nothing in it, for
// picking up an unfinished dialog at start.
func ResumeUpdate() *bot.Update {
	return &bot.Update{Platform: core.PlatformConsole, ChatID: ChatID, ChatType: bot.ChatPrivate,
		UserID: UserID, UserName: UserName()}
}

var _ bot.Transport = (*Transport)(nil)

// Platform is "console".
func (t *Transport) Platform() string { return core.PlatformConsole }

// Run reads input until its end (returning io.EOF) or until ctx is done.
// Each message is taken into the inbox, and handled and answered before
// the next is read, so piped input is processed in order and a number
// typed presses a button of the answer just shown.
func (t *Transport) Run(ctx context.Context, in bot.Inbox) error {
	handle := func(ctx context.Context, u *bot.Update) error {
		if err := in.Take(ctx, nil, u); err != nil {
			return err
		}
		return in.Settle(ctx, core.PlatformConsole, ChatID)
	}
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() {
		r := bufio.NewReader(t.in)
		for {
			line, err := readLine(r)
			if err != nil && line == "" {
				errc <- err
				return
			}
			select {
			case lines <- line:
			case <-ctx.Done():
				return
			}
		}
	}()
	var block []string
	inBlock := false
	t.prompt()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-errc:
			if inBlock && len(block) > 0 {
				if herr := handle(ctx, t.update(strings.Join(block, "\n"))); herr != nil {
					return herr
				}
			}
			return err
		case line := <-lines:
			switch {
			case strings.TrimSpace(line) == BlockDelimiter:
				if inBlock {
					if err := handle(ctx, t.update(strings.Join(block, "\n"))); err != nil {
						return err
					}
					block = nil
				}
				inBlock = !inBlock
			case inBlock:
				block = append(block, line)
				continue
			case strings.TrimSpace(line) != "":
				if err := handle(ctx, t.update(line)); err != nil {
					return err
				}
			default:
				continue
			}
			if !inBlock {
				t.prompt()
			}
		}
	}
}

// maxLine is the most of one input line that is kept; the rest is read and
// dropped, and the bot answers that the text is too long.
const maxLine = 64 * 1024

// readLine reads one line of any length, keeping at most maxLine bytes.
func readLine(r *bufio.Reader) (string, error) {
	var b []byte
	for {
		part, isPrefix, err := r.ReadLine()
		if len(b) < maxLine {
			b = append(b, part[:min(len(part), maxLine-len(b))]...)
		}
		if err != nil || !isPrefix {
			return string(b), err
		}
	}
}

func (t *Transport) prompt() {
	if t.interactive {
		t.mu.Lock()
		fmt.Fprint(t.out, "> ")
		t.mu.Unlock()
	}
}

// update turns a line (or block) of input into an update: a number that
// names a shown button presses it; anything else is a message.
func (t *Transport) update(text string) *bot.Update {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.seq++
	u := &bot.Update{Platform: core.PlatformConsole, ChatID: ChatID, ChatType: bot.ChatPrivate,
		UserID: UserID, UserName: t.userName, MessageID: strconv.Itoa(t.seq)}
	if token, ok := t.choices[strings.TrimSpace(text)]; ok {
		u.Token = token
	} else {
		u.Text = text
		u.Command, u.Args, _ = bot.ParseCommand(text)
	}
	t.choices = map[string]string{}
	return u
}

// Send prints a message, its buttons as numbered choices and the paths of
// its files.
func (t *Transport) Send(_ context.Context, m *bot.Message) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if m.EditID != "" && m.Text == "" && len(m.Buttons) == 0 && len(m.Files) == 0 {
		return m.EditID, nil // a keyboard removed: printed lines stay as they are
	}
	t.seq++
	var b strings.Builder
	b.WriteString(m.Text)
	for _, row := range m.Buttons {
		b.WriteString("\n ")
		for _, btn := range row {
			n := strconv.Itoa(len(t.choices) + 1)
			t.choices[n] = btn.Token
			fmt.Fprintf(&b, " [%s] %s", n, btn.Label)
		}
	}
	for _, f := range m.Files {
		path, err := t.saveFile(f)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "\n  📎 %s", path)
	}
	if _, err := fmt.Fprintf(t.out, "%s\n\n", b.String()); err != nil {
		return "", err
	}
	return strconv.Itoa(t.seq), nil
}

func (t *Transport) saveFile(f bot.File) (string, error) {
	if err := os.MkdirAll(t.filesDir, 0o750); err != nil {
		return "", fmt.Errorf("console: %w", err)
	}
	path := filepath.Join(t.filesDir, filepath.Base(f.Name))
	if err := os.WriteFile(path, f.Data, 0o640); err != nil {
		return "", fmt.Errorf("console: %w", err)
	}
	return path, nil
}

// Answer prints the notice of a button press, if any.
func (t *Transport) Answer(_ context.Context, _ string, text string) error {
	if text == "" {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	_, err := fmt.Fprintf(t.out, "(%s)\n", text)
	return err
}
