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
	"sync/atomic"
	"time"

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

	mu sync.Mutex
	// run and seq make message ids: "<run>.<seq>", run a mark of this
	// start, so that an id is never given twice across restarts (a case
	// kept in the console's chat collects each message once by its id).
	run string
	seq int
	// choices are the numbered buttons shown: they keep working until new
	// buttons are shown after an input (a reply without buttons, such as
	// an error, leaves them) or their message's buttons are removed.
	choices map[int]choice
	last    int  // the highest number given out
	fresh   bool // an input was read since buttons were last shown

	// The input is read by one goroutine for the transport's life, so that
	// a Run that ends (DealDesk on PostgreSQL no longer leading) and a later
	// one lose no line between them.
	readOnce sync.Once
	lines    chan string
	readErr  chan error
}

// choice is a shown button: its token and the message it belongs to.
type choice struct {
	token string
	msgID string
}

// New returns a console transport. interactive prints a prompt before each
// input; files sent to the console are written to filesDir.
func New(in io.Reader, out io.Writer, interactive bool, filesDir string) *Transport {
	return &Transport{in: in, out: out, interactive: interactive, filesDir: filesDir, userName: UserName(),
		run: runMark(), choices: map[int]choice{}}
}

// starts counts the transports made by this process, so that two made in
// the same nanosecond still differ.
var starts atomic.Int64

// runMark is a mark of this start for message ids: the time it started,
// and how many transports the process made before it.
func runMark() string {
	return strconv.FormatInt(time.Now().UnixNano(), 36) + strconv.FormatInt(starts.Add(1), 36)
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
// typed presses a button the answers have shown.
func (t *Transport) Run(ctx context.Context, in bot.Inbox) error {
	handle := func(ctx context.Context, u *bot.Update) error {
		if err := in.Take(ctx, nil, u); err != nil {
			return err
		}
		return in.Settle(ctx, core.PlatformConsole, ChatID)
	}
	t.readOnce.Do(func() {
		t.lines, t.readErr = make(chan string), make(chan error, 1)
		go func() {
			r := bufio.NewReader(t.in)
			for {
				line, err := readLine(r)
				if err != nil && line == "" {
					t.readErr <- err // kept for the Run that reads it
					return
				}
				t.lines <- line // waits for a Run to take it
			}
		}()
	})
	lines, errc := t.lines, t.readErr
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

// maxChoiceDigits is the longest number taken for a button's: longer ones
// (an INN, an amount) are only text.
const maxChoiceDigits = 3

// update turns a line (or block) of input into an update: a number that
// names a shown button presses it; another short number goes to the bot as
// bot.NoChoiceCommand, which a dialog's step reads as text and otherwise
// says which numbers there are; "/file <path> [text]" sends a file (see
// FileCommand); anything else is a message.
func (t *Transport) update(text string) *bot.Update {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.fresh = true
	u := &bot.Update{Platform: core.PlatformConsole, ChatID: ChatID, ChatType: bot.ChatPrivate,
		UserID: UserID, UserName: t.userName, MessageID: t.messageID()}
	n, isNumber := choiceNumber(text)
	if ch, ok := t.choices[n]; isNumber && ok {
		// The press is of that message's button, so that the bot can take
		// the buttons of that message away. The number typed goes along:
		// a dialog asked since the button was shown takes it as its answer.
		u.Token, u.MessageID, u.Text = ch.token, ch.msgID, strings.TrimSpace(text)
		return u
	}
	u.Text = text
	if isNumber {
		u.Command, u.Args = bot.NoChoiceCommand, strconv.Itoa(n)+t.shownRange()
		return u
	}
	if f, rest, ok := fileLine(text); ok {
		u.Files, u.Text = []bot.IncomingFile{f}, rest
	}
	u.Command, u.Args, _ = bot.ParseCommand(u.Text)
	return u
}

// choiceNumber reads a short number typed on its own.
func choiceNumber(text string) (int, bool) {
	s := strings.TrimSpace(text)
	if s == "" || len(s) > maxChoiceDigits || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// shownRange is " <lowest> <highest>" of the numbers shown, "" when none.
func (t *Transport) shownRange() string {
	lo, hi := 0, 0
	for n := range t.choices {
		if lo == 0 || n < lo {
			lo = n
		}
		hi = max(hi, n)
	}
	if hi == 0 {
		return ""
	}
	return " " + strconv.Itoa(lo) + " " + strconv.Itoa(hi)
}

// forget drops the numbers of a message's buttons.
func (t *Transport) forget(msgID string) {
	for n, ch := range t.choices {
		if ch.msgID == msgID {
			delete(t.choices, n)
		}
	}
}

// messageID gives the next message id; t.mu is held.
func (t *Transport) messageID() string {
	t.seq++
	return t.run + "." + strconv.Itoa(t.seq)
}

// Send prints a message, its buttons as numbered choices and the paths of
// its files.
func (t *Transport) Send(_ context.Context, m *bot.Message) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if m.EditID != "" {
		// An edited message's old buttons are gone; printed lines stay.
		t.forget(m.EditID)
		if m.Text == "" && len(m.Buttons) == 0 && len(m.Files) == 0 {
			return m.EditID, nil
		}
	}
	id := t.messageID()
	if m.EditID != "" {
		id = m.EditID
	}
	if len(m.Buttons) > 0 && t.fresh {
		// The first buttons after an input replace the ones shown before;
		// the messages of one reply number theirs on.
		t.choices, t.last, t.fresh = map[int]choice{}, 0, false
	}
	var b strings.Builder
	b.WriteString(m.Text)
	for _, row := range m.Buttons {
		b.WriteString("\n ")
		for _, btn := range row {
			t.last++
			t.choices[t.last] = choice{token: btn.Token, msgID: id}
			fmt.Fprintf(&b, " [%d] %s", t.last, btn.Label)
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
	return id, nil
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
