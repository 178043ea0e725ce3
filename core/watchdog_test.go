package core_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// watchStep is one thing that happens to a watched job: at is its time
// (from officeStart); the job succeeds (ok), fails (fail) or the watchdog
// looks (neither); after a look, stale and recovered are how many
// notices of each kind the admins have had so far, and n what CheckJobs
// returned.
type watchStep struct {
	at               time.Duration
	ok               bool
	fail             string
	stale, recovered int
	n                int
	restart, skipped bool // restart: the process starts again then
}

// TestCheckJobs: a job that has not succeeded for more than StaleAfter of
// its intervals is told to the admins once; its next success closes the
// incident with one more notice; clock jumps, either way, and restarts
// tell nothing.
func TestCheckJobs(t *testing.T) {
	const every = 10 * time.Minute // the job "tick" runs every 10 minutes
	look := func(at time.Duration, stale, recovered, n int) watchStep {
		return watchStep{at: at, stale: stale, recovered: recovered, n: n}
	}
	success := func(at time.Duration) watchStep { return watchStep{at: at, ok: true, skipped: true} }
	failure := func(at time.Duration, err string) watchStep { return watchStep{at: at, fail: err, skipped: true} }
	// looks every 5 minutes from..to, expecting nothing new.
	quiet := func(from, to time.Duration, stale, recovered int) []watchStep {
		var out []watchStep
		for at := from; at <= to; at += 5 * time.Minute {
			out = append(out, look(at, stale, recovered, 0))
		}
		return out
	}
	cat := func(parts ...any) []watchStep {
		var out []watchStep
		for _, p := range parts {
			switch p := p.(type) {
			case watchStep:
				out = append(out, p)
			case []watchStep:
				out = append(out, p...)
			}
		}
		return out
	}
	tests := []struct {
		name    string
		started time.Duration
		steps   []watchStep
	}{
		{"runs on time: nothing told", 0, cat(
			success(0), quiet(time.Minute, 25*time.Minute, 0, 0),
			success(26*time.Minute), quiet(26*time.Minute, 55*time.Minute, 0, 0))},
		{"stuck: told once, then its recovery once", 0, cat(
			success(0),
			quiet(5*time.Minute, 30*time.Minute, 0, 0), // 3 intervals: still on time
			look(31*time.Minute, 1, 0, 1),
			quiet(35*time.Minute, 3*time.Hour, 1, 0), // no second notice while it stays stuck
			success(3*time.Hour+time.Minute),
			look(3*time.Hour+2*time.Minute, 1, 1, 1),
			quiet(3*time.Hour+5*time.Minute, 3*time.Hour+30*time.Minute, 1, 1))},
		{"failing: told with its error", 0, cat(
			success(0),
			failure(10*time.Minute, "registry down"), failure(20*time.Minute, "registry down"),
			failure(30*time.Minute, "registry down"),
			quiet(5*time.Minute, 30*time.Minute, 0, 0),
			look(35*time.Minute, 1, 0, 1))},
		{"never succeeded: counted from the start", 0, cat(
			quiet(0, 30*time.Minute, 0, 0),
			look(31*time.Minute, 1, 0, 1))},
		{"a restart starts the count again", 0, cat(
			success(0), quiet(5*time.Minute, 25*time.Minute, 0, 0),
			// Down from 25 minutes to 5 hours; started again at 5 h.
			watchStep{at: 5*time.Hour + time.Minute, skipped: true, restart: true},
			quiet(5*time.Hour+5*time.Minute, 5*time.Hour+30*time.Minute, 0, 0),
			look(5*time.Hour+32*time.Minute, 1, 0, 1))},
		{"the clock jumps back before the last success: nothing told, then watched from the jump", 0, cat(
			success(2*time.Hour), look(2*time.Hour+time.Minute, 0, 0, 0),
			// The clock goes back two hours: the last success lies ahead.
			quiet(time.Minute, 30*time.Minute, 0, 0),
			// Still no success 3 intervals after the jump: stuck.
			look(32*time.Minute, 1, 0, 1),
			quiet(35*time.Minute, time.Hour, 1, 0),
			success(time.Hour+time.Minute), look(time.Hour+2*time.Minute, 1, 1, 1))},
		{"the clock steps back between a look and a success: nothing told", 0, cat(
			success(0), quiet(5*time.Minute, 30*time.Minute, 0, 0), success(40*time.Minute),
			quiet(35*time.Minute, 35*time.Minute, 0, 0), // before the success, after the last look
			quiet(40*time.Minute, 65*time.Minute, 0, 0),
			look(75*time.Minute, 1, 0, 1))}, // told 3 intervals after that success
		{"the clock jumps far ahead: nothing told, the job runs again", 0, cat(
			success(0), quiet(5*time.Minute, 10*time.Minute, 0, 0),
			quiet(48*time.Hour, 48*time.Hour, 0, 0), // two days later, at once
			success(48*time.Hour+5*time.Minute),
			quiet(48*time.Hour+10*time.Minute, 48*time.Hour+35*time.Minute, 0, 0))},
		{"the clock jumps far ahead and the job is stuck: told once, 3 intervals after the jump", 0, cat(
			success(0), quiet(5*time.Minute, 10*time.Minute, 0, 0),
			quiet(48*time.Hour, 48*time.Hour+30*time.Minute, 0, 0),
			look(48*time.Hour+35*time.Minute, 1, 0, 1),
			quiet(48*time.Hour+40*time.Minute, 49*time.Hour, 1, 0))},
		{"a jump with an incident open recovers nothing", 0, cat(
			success(0), quiet(5*time.Minute, 30*time.Minute, 0, 0),
			look(35*time.Minute, 1, 0, 1),
			quiet(24*time.Hour, 25*time.Hour, 1, 0),     // jumped a day ahead: still no success
			quiet(10*time.Minute, 30*time.Minute, 1, 0), // and back
			success(31*time.Minute), look(32*time.Minute, 1, 1, 1))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newOffice(t)
			started := officeStart.Add(tt.started)
			jobs := map[string]time.Duration{"tick": every, "off": 0, core.WatchdogJob: time.Minute}
			for i, s := range tt.steps {
				at := officeStart.Add(s.at)
				setClock(o, at)
				switch {
				case s.restart:
					started = at
					continue
				case s.ok:
					if err := o.svc.RecordJobRun(o.ctx(), "tick", at, nil); err != nil {
						t.Fatal(err)
					}
					continue
				case s.fail != "":
					if err := o.svc.RecordJobRun(o.ctx(), "tick", at, errors.New(s.fail)); err != nil {
						t.Fatal(err)
					}
					continue
				}
				n, err := o.svc.CheckJobs(o.ctx(), at, jobs, started)
				if err != nil {
					t.Fatalf("step %d (%v): %v", i, s.at, err)
				}
				ms := o.messages()
				stale, recovered := withKey(ms, "notify.job.stale"), withKey(ms, "notify.job.recovered")
				if n != s.n || len(stale) != s.stale || len(recovered) != s.recovered {
					t.Fatalf("step %d, look at +%v: CheckJobs = %d, stale notices %d, recovered %d; want %d, %d, %d",
						i, s.at, n, len(stale), len(recovered), s.n, s.stale, s.recovered)
				}
				for _, m := range append(stale, recovered...) {
					if m.UserID != o.admin.ID() || m.ChatID != "10" || m.Args["Job"] != "tick" {
						t.Fatalf("notice %+v, want one to the admin about tick", m)
					}
				}
			}
			runs, err := o.svc.JobRuns(o.ctx())
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range runs {
				if r.Name == "off" || r.Name == core.WatchdogJob {
					t.Fatalf("a job without an interval, or the watchdog itself, was watched: %+v", r)
				}
			}
		})
	}
}

// TestCheckJobs_Notice: the admins' notice names the job, its last
// success and, when it fails, its error; only active admins get it, in
// the transaction that records the incident.
func TestCheckJobs_Notice(t *testing.T) {
	o := newOffice(t)
	admin2 := o.user("Вера Админова", core.RoleAdmin, "telegram:20")
	off := o.user("Олег Бывший", core.RoleAdmin, "telegram:21")
	o.update(func(tx core.Tx) error {
		u := *off.User
		u.Active = false
		return tx.UpdateUser(&u)
	})
	t0 := officeStart
	jobs := map[string]time.Duration{"purge_inbox": time.Minute, "never": time.Minute}
	if err := o.svc.RecordJobRun(o.ctx(), "purge_inbox", t0, nil); err != nil {
		t.Fatal(err)
	}
	if err := o.svc.RecordJobRun(o.ctx(), "purge_inbox", t0.Add(3*time.Minute), errors.New("bolt: disk full")); err != nil {
		t.Fatal(err)
	}
	n, err := o.svc.CheckJobs(o.ctx(), t0.Add(4*time.Minute), jobs, t0)
	if err != nil || n != 2 {
		t.Fatalf("CheckJobs = %d, %v; want 2 incidents", n, err)
	}
	stale := withKey(o.messages(), "notify.job.stale")
	got := map[string][]int64{}
	for _, m := range stale {
		got[fmt.Sprint(m.Args["Job"])] = append(got[fmt.Sprint(m.Args["Job"])], m.UserID)
		switch m.Args["Job"] {
		case "purge_inbox":
			if m.Args["Error"] != "bolt: disk full" || m.Args["Last"] == nil || m.Args["ErrorAt"] == nil {
				t.Fatalf("purge_inbox notice args %+v, want its error and last success", m.Args)
			}
		case "never":
			if m.Args["Last"] != nil || m.Args["Error"] != nil || m.Args["Since"] == nil {
				t.Fatalf("never notice args %+v, want no last success, since the start", m.Args)
			}
		}
	}
	want := []int64{o.admin.ID(), admin2.ID()}
	for _, job := range []string{"purge_inbox", "never"} {
		if fmt.Sprint(got[job]) != fmt.Sprint(want) {
			t.Fatalf("%s told to %v, want the active admins %v", job, got[job], want)
		}
	}
	runs, err := o.svc.JobRuns(o.ctx())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if !r.Stale() || !r.AlertedAt.Equal(t0.Add(4*time.Minute)) {
			t.Fatalf("job %s: %+v, want an incident open since the look", r.Name, r)
		}
	}
}

// TestStatus: an admin sees the jobs, the outbox's backlog and the
// reminders waiting; anyone else is refused.
func TestStatus(t *testing.T) {
	o := newOffice(t)
	if err := o.svc.RecordJobRun(o.ctx(), "purge_inbox", officeStart, nil); err != nil {
		t.Fatal(err)
	}
	// A reply waits in the outbox since the minute after the start.
	setClock(o, officeStart.Add(time.Minute))
	o.update(func(tx core.Tx) error {
		return tx.Enqueue(&core.OutboxMessage{Platform: core.PlatformTelegram, ChatID: "10", Text: "x",
			Status: core.OutboxPending})
	})
	setClock(o, officeStart.Add(time.Hour))
	st, err := o.svc.Status(o.ctx(), o.admin)
	if err != nil {
		t.Fatal(err)
	}
	if !st.At.Equal(officeStart.Add(time.Hour)) || len(st.Jobs) != 1 || st.Jobs[0].Name != "purge_inbox" ||
		st.Backlog[core.PlatformTelegram] < 1 || st.Oldest.IsZero() || st.Oldest.After(officeStart.Add(time.Minute)) ||
		st.PendingReminders != 0 {
		t.Fatalf("Status = %+v", st)
	}
	for _, a := range []core.Actor{o.officer, o.manager, o.head} {
		if _, err := o.svc.Status(o.ctx(), a); core.ErrorCode(err) != core.EFORBIDDEN {
			t.Fatalf("Status for %s = %v, want EFORBIDDEN", a.User.Role, err)
		}
	}
}

// setClock sets the office's clock to at.
func setClock(o *office, at time.Time) { o.clock.Add(at.Sub(o.clock.Now())) }
