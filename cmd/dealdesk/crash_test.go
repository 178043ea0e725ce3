package main

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/dealdesk/dealdesk/bot/telegram"
	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
)

// A child started by crashChild runs with Telegram's rate limits off, so
// that a test sends hundreds of replies in seconds.
func init() {
	if os.Getenv("DEALDESK_TEST_MAIN") == "1" && os.Getenv("DEALDESK_TEST_NO_LIMITS") == "1" {
		defaultTuneTelegram = func(c *telegram.Config) {
			c.PollTimeout, c.MinPollGap = time.Second, 10*time.Millisecond
			off := telegram.Limit{N: -1}
			c.Limits = telegram.Limits{Chat: off, Group: off, Global: off}
		}
	}
}

// crashChild is the real program in a child process against the fake Bot
// API, to be killed.
type crashChild struct {
	t   *testing.T
	srv *telegramtest.Server
	dir string
	cmd *exec.Cmd
	log *os.File
}

// childCommand is this test binary run as the real program on the
// database in dir, with env added to the environment.
func childCommand(t *testing.T, dir string, env ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(append(os.Environ(), "DEALDESK_TEST_MAIN=1", "DEALDESK_TEST_ARGS=",
		"DEALDESK_DB="+filepath.Join(dir, "dealdesk.db"), "DEALDESK_LOG_FORMAT=json",
		"DEALDESK_CONTROL_SOCKET="+filepath.Join(dir, "ctl.sock")), env...)
	return cmd
}

func (c *crashChild) start() {
	c.t.Helper()
	var err error
	c.log, err = os.OpenFile(filepath.Join(c.dir, "child.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		c.t.Fatal(err)
	}
	cmd := childCommand(c.t, c.dir, "DEALDESK_TEST_NO_LIMITS=1", "DEALDESK_CHAT_BURST=1000", "DEALDESK_CONSOLE=off",
		"DEALDESK_ADMINS=telegram:"+strconv.Itoa(adminTG), "DEALDESK_OUTBOX_INTERVAL=50ms",
		"TELEGRAM_TOKEN="+c.srv.Token, "TELEGRAM_API_URL="+c.srv.URL)
	cmd.Stdout, cmd.Stderr = c.log, c.log
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	c.cmd = cmd
}

// stopChild ends a child with sig and waits for it.
func stopChild(t *testing.T, cmd *exec.Cmd, sig syscall.Signal) {
	t.Helper()
	_ = cmd.Process.Signal(sig)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("the child did not stop on %v", sig)
	}
}

// stop ends the child with sig and waits for it.
func (c *crashChild) stop(sig syscall.Signal) {
	c.t.Helper()
	stopChild(c.t, c.cmd, sig)
	c.log.Close()
}

// count returns the number of records in a bucket of the stopped child's
// database.
func (c *crashChild) count(bucket string) int {
	c.t.Helper()
	db, err := bbolt.Open(filepath.Join(c.dir, "dealdesk.db"), 0o600, &bbolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		c.t.Fatal(err)
	}
	defer db.Close()
	n := 0
	err = db.View(func(tx *bbolt.Tx) error {
		if b := tx.Bucket([]byte(bucket)); b != nil {
			n = b.Stats().KeyN
		}
		return nil
	})
	if err != nil {
		c.t.Fatal(err)
	}
	return n
}

// texts returns what the bot sent to a chat (edits aside).
func texts(srv *telegramtest.Server, chat int64) []string {
	var out []string
	for _, m := range srv.Sent() {
		if m.ChatID == chat && !strings.HasPrefix(m.Method, "edit") {
			out = append(out, m.Text)
		}
	}
	return out
}

func waitUntil(t *testing.T, what string, timeout time.Duration, cond func() bool, debug ...func() string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			for _, d := range debug {
				t.Log(d())
			}
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var inviteCode = regexp.MustCompile(`/start (\S+)`)

// TestCrashWhileUpdatesAreQueued: commands wait in Telegram while DealDesk
// is killed (kill -9 and SIGTERM) again and again, each time at a random
// moment soon after it answered one more command (however slowly a loaded
// machine starts the child), while the rest of the round's commands are
// being taken and handled; in the end every command made its record
// exactly once and was answered, a reply sent twice only for a message in
// flight at a kill -9.
func TestCrashWhileUpdatesAreQueued(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills the program many times")
	}
	srv := telegramtest.NewServer(t)
	c := &crashChild{t: t, srv: srv, dir: t.TempDir()}
	// A round's commands take longer to answer than the wait for the kill
	// (10 are often all answered within it).
	const rounds, perRound = 8, 30
	kills := 0
	answered := func() int { return len(codes(texts(srv, adminTG))) }
	for round := range rounds {
		for range perRound {
			srv.SendText(adminTG, adminTG, "/invite manager")
		}
		before := answered()
		c.start()
		waitUntil(t, "the child answering a command", 20*time.Second, func() bool { return answered() > before },
			func() string {
				logs, _ := os.ReadFile(filepath.Join(c.dir, "child.log"))
				return "child log:\n" + tail(string(logs), 3000)
			})
		time.Sleep(time.Duration(rand.IntN(150)) * time.Millisecond)
		t.Logf("round %d: answered %d of %d before the kill", round, answered()-before, (round+1)*perRound-before)
		if round%2 == 0 {
			c.stop(syscall.SIGKILL)
			kills++
		} else {
			c.stop(syscall.SIGTERM)
		}
	}
	c.start()
	total := rounds * perRound
	waitUntil(t, "every command answered", 60*time.Second, func() bool {
		return answered() == total
	}, func() string {
		logs, _ := os.ReadFile(filepath.Join(c.dir, "child.log"))
		return strconv.Itoa(answered()) + " answered; child log:\n" + tail(string(logs), 3000)
	})
	c.stop(syscall.SIGTERM)
	replies := texts(srv, adminTG)
	got := codes(replies)
	if len(got) != total {
		t.Fatalf("%d distinct invite codes answered, want %d", len(got), total)
	}
	if n := c.count("invites"); n != total {
		t.Fatalf("%d invites stored for %d commands", n, total)
	}
	// Only the invites' replies count: the admin also hears from DealDesk
	// itself (in December, that next year's production calendar is
	// provisional), which is no reply sent twice.
	sent := 0
	for _, r := range replies {
		if inviteCode.MatchString(r) {
			sent++
		} else {
			t.Logf("not a reply: %.120q", r)
		}
	}
	if dup := sent - total; dup > kills {
		t.Fatalf("%d replies sent twice, more than the %d kill -9 in flight", dup, kills)
	}
}

func codes(replies []string) map[string]bool {
	out := map[string]bool{}
	for _, r := range replies {
		if m := inviteCode.FindStringSubmatch(r); m != nil {
			out[m[1]] = true
		}
	}
	return out
}

// TestCrashAtTheLastStepOfADialog: a task dialog's last answer is pressed
// and DealDesk is killed at once, at a random moment around its handling;
// after each restart the press is handled once: every dialog made exactly
// one task. (Only the console resumes a dialog after a restart; its test
// checks the resume notice.)
func TestCrashAtTheLastStepOfADialog(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills the program many times")
	}
	srv := telegramtest.NewServer(t)
	c := &crashChild{t: t, srv: srv, dir: t.TempDir()}
	c.start()
	const dialogs = 12
	kills := 0
	for i := range dialogs {
		// say sends text and waits for the prompt want (a reply sent twice
		// around a kill may come late, so "the next message" is not enough).
		say := func(text, want string) telegramtest.SentMessage {
			n := len(srv.Sent())
			srv.SendText(adminTG, adminTG, text)
			var got telegramtest.SentMessage
			waitUntil(t, "the answer to "+text, 30*time.Second, func() bool {
				for _, m := range srv.Sent()[n:] {
					if m.ChatID == adminTG && strings.Contains(m.Text, want) {
						got = m
						return true
					}
				}
				return false
			})
			return got
		}
		// The admin is DealDesk's only user: the task is theirs, and the
		// deal step (its «Пропустить») is the dialog's last.
		say("/task new", "Что нужно сделать?")
		say("Задача "+strconv.Itoa(i+1), "Срок")
		q := say("-", "Номер сделки") // with its buttons
		var data string
		for _, row := range q.Buttons {
			for _, b := range row {
				if b.Text == "Пропустить" {
					data = b.Data
				}
			}
		}
		if data == "" {
			t.Fatalf("no «Пропустить» button in %+v", q)
		}
		before := len(texts(srv, adminTG))
		srv.Press(adminTG, adminTG, q.MessageID, data)
		time.Sleep(time.Duration(rand.IntN(80)) * time.Millisecond)
		sig := syscall.SIGKILL
		if i%3 == 2 {
			sig = syscall.SIGTERM
		} else {
			kills++
		}
		c.stop(sig)
		c.start()
		waitUntil(t, "the task created", 30*time.Second, func() bool {
			for _, s := range texts(srv, adminTG)[before:] {
				if strings.Contains(s, "«Задача "+strconv.Itoa(i+1)+"» поставлена") {
					return true
				}
			}
			return false
		})
	}
	// A task created twice would be stored by now.
	time.Sleep(300 * time.Millisecond)
	c.stop(syscall.SIGTERM)
	if n := c.count("tasks"); n != dialogs {
		t.Fatalf("%d tasks stored for %d dialogs", n, dialogs)
	}
	created := 0
	for _, s := range texts(srv, adminTG) {
		if strings.HasPrefix(s, "Задача #") && strings.Contains(s, "поставлена") {
			created++
		}
	}
	if created < dialogs || created > dialogs+kills {
		t.Fatalf("%d «created» replies for %d dialogs (%d kill -9)", created, dialogs, kills)
	}
}

func tail(s string, n int) string { return s[max(0, len(s)-n):] }

// consoleChild is the real program with the console transport in a child
// process, its input a pipe and its output a file.
type consoleChild struct {
	t     *testing.T
	dir   string
	cmd   *exec.Cmd
	stdin interface{ Write([]byte) (int, error) }
	out   string
	n     int
}

func (c *consoleChild) start() {
	c.t.Helper()
	c.n++
	c.out = filepath.Join(c.dir, "out-"+strconv.Itoa(c.n)+".txt")
	out, err := os.Create(c.out)
	if err != nil {
		c.t.Fatal(err)
	}
	cmd := childCommand(c.t, c.dir, "DEALDESK_CONSOLE=on", "DEALDESK_LOG_LEVEL=warn", "USER=tester")
	in, err := cmd.StdinPipe()
	if err != nil {
		c.t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	c.cmd, c.stdin = cmd, in
}

func (c *consoleChild) output() string {
	b, _ := os.ReadFile(c.out)
	return string(b)
}

// say types a line and waits until the output holds want.
func (c *consoleChild) say(line, want string) {
	c.t.Helper()
	before := strings.Count(c.output(), want)
	if _, err := c.stdin.Write([]byte(line + "\n")); err != nil {
		c.t.Fatal(err)
	}
	waitUntil(c.t, "«"+want+"» after "+line, 30*time.Second, func() bool {
		return strings.Count(c.output(), want) > before
	}, func() string { return tail(c.output(), 2000) })
}

func (c *consoleChild) stop(sig syscall.Signal) {
	c.t.Helper()
	stopChild(c.t, c.cmd, sig)
}

// TestCrashAtTheLastStepOfAConsoleDialog: the console user picks the last
// choice of a dialog and DealDesk is killed at once; after the restart the
// dialog is either resumed (the choice never reached the database) and
// answered again, or already done, never both: every dialog made exactly
// one task.
func TestCrashAtTheLastStepOfAConsoleDialog(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills the program many times")
	}
	c := &consoleChild{t: t, dir: t.TempDir()}
	c.start()
	const dialogs = 8
	for i := range dialogs {
		title := "Консольная задача " + strconv.Itoa(i+1)
		// The console's one user gets the task: the deal step (its
		// «Пропустить», button 1) is the dialog's last.
		c.say("/task new", "Что нужно сделать?")
		c.say(title, "Срок")
		c.say("-", "Номер сделки")
		if _, err := c.stdin.Write([]byte("1\n")); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rand.IntN(60)) * time.Millisecond)
		sig := syscall.SIGKILL
		if i%3 == 2 {
			sig = syscall.SIGTERM
		}
		c.stop(sig)
		before := c.output()
		c.start()
		created := "«" + title + "» поставлена"
		waitUntil(t, "the task created or its dialog resumed", 30*time.Second, func() bool {
			out := c.output()
			return strings.Contains(before, created) || strings.Contains(out, created) || strings.Contains(out, "[1] Пропустить")
		}, func() string { return tail(c.output(), 2000) })
		if !strings.Contains(before, created) && !strings.Contains(c.output(), created) {
			// The question may show first as the last process's message sent
			// again (the outbox is at least once toward the chat); the
			// resumed dialog's notice follows it.
			waitUntil(t, "the resume notice", 30*time.Second, func() bool {
				return strings.Contains(c.output(), "Продолжаем")
			}, func() string { return tail(c.output(), 2000) })
			c.say("1", created)
		}
	}
	time.Sleep(200 * time.Millisecond)
	c.stop(syscall.SIGTERM)
	cc := &crashChild{t: t, dir: c.dir}
	if n := cc.count("tasks"); n != dialogs {
		t.Fatalf("%d tasks stored for %d dialogs", n, dialogs)
	}
}
