package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf16"

	"golang.org/x/sync/errgroup"

	"github.com/dealdesk/dealdesk/core"
)

// Outbox delivery settings. The rules of attempts, backoff and failure are
// core's (core.RecordDelivery); these say how much is sent at once.
const (
	outboxBatch   = 100
	outboxPerChat = 10 // messages of one chat read in a batch
	// outboxParallel is how many chats are served at once. A chat's lane
	// spends most of its time waiting for the chat's own limit (Telegram: a
	// message a second), so reaching the global one (30 a second) takes
	// more than 30 chats in flight.
	outboxParallel = 64
)

// Run handles the taken updates and delivers the outbox until ctx is done,
// then stops gracefully: it drains the queued updates for up to drain and
// delivers what they wrote for up to drain more. Nothing is lost past the
// bound: what is left waits in the store for the next start.
func (b *Bot) Run(ctx context.Context, outboxInterval, drain time.Duration) {
	outCtx, stopOut := context.WithCancel(context.WithoutCancel(ctx))
	defer stopOut()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		b.RunOutbox(outCtx, outboxInterval)
	}()
	b.RunInbox(ctx, drain)
	deadline := time.Now().Add(drain)
	for time.Now().Before(deadline) && !b.outboxEmpty(outCtx) {
		for p := range b.transports {
			b.kick(p)
		}
		time.Sleep(20 * time.Millisecond)
	}
	stopOut()
	wg.Wait()
}

// outboxEmpty reports whether no message is due on any platform.
func (b *Bot) outboxEmpty(ctx context.Context) bool {
	for p := range b.transports {
		due, err := b.svc.DueMessages(ctx, core.OutboxQuery{Platform: p, Now: b.now(), Limit: 1})
		if err != nil || len(due) > 0 {
			return false
		}
	}
	return true
}

// RunOutbox delivers pending messages through every transport until ctx is
// done: at once when kicked (a reply was written), else every interval.
// Each platform has its own loop, so a platform that is down or rate
// limited delays only its own messages; within a platform each chat has
// its own lane, so a chat waiting for its rate limit holds up no other.
func (b *Bot) RunOutbox(ctx context.Context, interval time.Duration) {
	var wg sync.WaitGroup
	for _, t := range b.transports {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.outboxLoop(ctx, t, interval)
		}()
	}
	wg.Wait()
}

func (b *Bot) outboxLoop(ctx context.Context, t Transport, interval time.Duration) {
	platform := t.Platform()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	var (
		mu    sync.Mutex
		busy  = map[string]bool{}
		lanes sync.WaitGroup
	)
	defer lanes.Wait()
	for {
		mu.Lock()
		skip := make(map[string]bool, len(busy))
		for k := range busy {
			skip[k] = true
		}
		free := outboxParallel - len(busy)
		mu.Unlock()
		if free > 0 {
			due, err := b.svc.DueMessages(ctx, core.OutboxQuery{Platform: platform, Now: b.now(),
				Limit: outboxBatch, PerChat: outboxPerChat, Skip: skip})
			if err != nil && ctx.Err() == nil {
				b.log.Error().Err(err).Str("platform", platform).Msg("outbox")
			}
			chats, byChat := groupByChat(due)
			for _, chat := range chats[:min(free, len(chats))] {
				mu.Lock()
				busy[chat] = true
				mu.Unlock()
				lanes.Add(1)
				go func(msgs []*core.OutboxMessage) {
					defer lanes.Done()
					if _, err := b.deliverChat(ctx, t, msgs); err != nil && ctx.Err() == nil {
						b.log.Error().Err(err).Str("platform", platform).Msg("outbox")
					}
					mu.Lock()
					delete(busy, chat)
					mu.Unlock()
					b.kick(platform) // the chat may have more
				}(byChat[chat])
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-b.kicks[platform]:
		}
	}
}

func groupByChat(ms []*core.OutboxMessage) ([]string, map[string][]*core.OutboxMessage) {
	var chats []string
	byChat := map[string][]*core.OutboxMessage{}
	for _, m := range ms {
		if byChat[m.ChatID] == nil {
			chats = append(chats, m.ChatID)
		}
		byChat[m.ChatID] = append(byChat[m.ChatID], m)
	}
	return chats, byChat
}

// DeliverDue sends a platform's due outbox messages until none is due and
// returns how many were delivered. It is for when RunOutbox does not run
// (tests, the console's last words at exit): the two must not run at once.
// Delivery is at least once: a crash between sending a message and marking
// it sent sends that one message again after the restart.
func (b *Bot) DeliverDue(ctx context.Context, platform string) (int, error) {
	t, ok := b.transports[platform]
	if !ok {
		return 0, nil
	}
	var delivered atomic.Int64
	for {
		due, err := b.svc.DueMessages(ctx, core.OutboxQuery{Platform: platform, Now: b.now(), Limit: outboxBatch})
		if err != nil {
			return int(delivered.Load()), err
		}
		chats, byChat := groupByChat(due)
		var g errgroup.Group
		g.SetLimit(outboxParallel)
		for _, chat := range chats {
			g.Go(func() error {
				n, err := b.deliverChat(ctx, t, byChat[chat])
				delivered.Add(int64(n))
				return err
			})
		}
		if err := g.Wait(); err != nil {
			return int(delivered.Load()), err
		}
		if len(due) < outboxBatch {
			return int(delivered.Load()), nil
		}
	}
}

// deliverChat sends one chat's messages in order. A run of personal
// notifications goes out as one message (see merged). Once the platform
// rate limits the chat, the rest wait as long as it asked, without an
// attempt; after a failure the rest wait for the next round, keeping the
// order.
func (b *Bot) deliverChat(ctx context.Context, t Transport, msgs []*core.OutboxMessage) (int, error) {
	n := 0
	var wait time.Duration
	for i := 0; i < len(msgs); {
		if ctx.Err() != nil {
			return n, ctx.Err()
		}
		if wait > 0 {
			if err := b.svc.PostponeMessage(ctx, msgs[i], wait); err != nil {
				return n, err
			}
			i++
			continue
		}
		var (
			d   core.Delivery
			err error
			k   = 1
		)
		if msg, run := b.merged(ctx, t, msgs[i:]); msg != nil {
			k = len(run)
			d, err = b.deliverMerged(ctx, t, run, msg)
		} else {
			m := msgs[i]
			chat := m.ChatID
			d, err = b.deliver(ctx, t, m)
			if err == nil && d.MovedTo != "" && m.ChatID != chat {
				d, err = b.deliver(ctx, t, m) // the chat moved: follow it now
			}
		}
		if err != nil {
			return n, err
		}
		i += k
		if d.Err == nil {
			n += k
			continue
		}
		if d.RetryAfter > 0 {
			wait = d.RetryAfter
			continue
		}
		return n, nil // failed: the rest keep their order behind it
	}
	return n, nil
}

// Merging: several notifications for one person written within
// mergeWindow of each other go out as one message, as long as it stays
// within mergeMaxText UTF-16 code units (Telegram takes 4096) and
// mergeMaxRows rows of buttons.
const (
	mergeWindow  = 2 * time.Minute
	mergeMaxText = 3500
	mergeMaxRows = 20
)

// mergeable reports whether m may go out merged with others: a personal
// notification (rendered from its key), with no files, not placed as an
// answer, an edit or in a thread, and no command-menu or thread record.
func mergeable(m *core.OutboxMessage) bool {
	return m.UserID != 0 && m.Key != "" && m.Key != core.OutboxCommandMenu && m.Key != core.OutboxOpenThread &&
		len(m.Files) == 0 && m.EditID == "" && m.ReplyTo == "" && m.ThreadID == ""
}

// merged renders the run of notifications at the head of msgs (one chat's,
// in order) that go out as one message: mergeable ones for the same user,
// written within mergeWindow of the first, as many as fit. Their texts are
// joined with a blank line and their rows of buttons follow each other;
// when more than one of them has buttons, each text and its buttons carry
// the same number (1️⃣, 2️⃣…), so that «Выполнено» under the message says
// which one it answers. It returns nil when fewer than two would go.
func (b *Bot) merged(ctx context.Context, t Transport, msgs []*core.OutboxMessage) (*Message, []*core.OutboxMessage) {
	first := msgs[0]
	joins := func(m *core.OutboxMessage) bool {
		return mergeable(m) && m.UserID == first.UserID && m.CreatedAt.Sub(first.CreatedAt).Abs() <= mergeWindow
	}
	if len(msgs) < 2 || !joins(msgs[0]) || !joins(msgs[1]) {
		return nil, nil // nothing rendered for nothing: the first goes alone
	}
	var (
		parts      []*Message
		size, rows int
	)
	for _, m := range msgs {
		if !joins(m) {
			break
		}
		msg, err := b.render(ctx, t, m)
		if err != nil {
			break // it goes alone, and fails alone
		}
		n := TextLen(msg.Text) + TextLen(mergeMark(len(parts)+1)) + 2 // its mark and the blank line
		if len(parts) > 0 && (size+n > mergeMaxText || rows+len(msg.Buttons) > mergeMaxRows) {
			break
		}
		parts = append(parts, msg)
		size += n
		rows += len(msg.Buttons)
	}
	if len(parts) < 2 {
		return nil, nil
	}
	withButtons := 0
	for _, p := range parts {
		if len(p.Buttons) > 0 {
			withButtons++
		}
	}
	out := &Message{ChatID: first.ChatID, Direct: true}
	texts := make([]string, len(parts))
	for i, p := range parts {
		texts[i] = p.Text
		mark := ""
		if withButtons > 1 {
			mark = mergeMark(i + 1)
			texts[i] = mark + " " + p.Text
		}
		for _, row := range p.Buttons {
			views := make([]ButtonView, len(row))
			for j, v := range row {
				if mark != "" {
					v.Label = mark + " " + v.Label
				}
				views[j] = v
			}
			out.Buttons = append(out.Buttons, views)
		}
		for _, m := range p.Mentions {
			if !slices.ContainsFunc(out.Mentions, func(o Mention) bool { return o.ID == m.ID }) {
				out.Mentions = append(out.Mentions, m)
			}
		}
	}
	out.Text = strings.Join(texts, "\n\n")
	return out, msgs[:len(parts)]
}

// mergeMark is the number of the i-th part of a merged message: a keycap
// emoji up to 10, then (11), (12)…
func mergeMark(i int) string {
	switch {
	case i < 10:
		return strconv.Itoa(i) + "\uFE0F\u20E3"
	case i == 10:
		return "🔟"
	}
	return "(" + strconv.Itoa(i) + ")"
}

// TextLen measures text as Telegram does, in UTF-16 code units (an invalid
// rune counts as one).
func TextLen(s string) int {
	n := 0
	for _, r := range s {
		n += max(utf16.RuneLen(r), 1)
	}
	return n
}

// deliverMerged sends the merged message of a run of notifications and
// records the outcome for all of them at once: delivered together, or
// each retried.
func (b *Bot) deliverMerged(ctx context.Context, t Transport, ms []*core.OutboxMessage, msg *Message) (core.Delivery, error) {
	sctx := sendContext(ctx)
	id, sendErr := t.Send(sctx, msg)
	d := outcome(id, sendErr)
	// Recorded even when the stop came meanwhile (see deliver).
	err := b.svc.RecordDeliveries(sctx, ms, d)
	b.observeDelivery(ms[0], d)
	if err != nil {
		return d, err
	}
	if sendErr != nil {
		ids := make([]int64, len(ms))
		for i, m := range ms {
			ids[i] = m.ID
		}
		b.log.Warn().Err(sendErr).Ints64("outbox_ids", ids).Str("platform", ms[0].Platform).
			Str("chat_id", ms[0].ChatID).Msg("outbox delivery of merged notifications failed")
	}
	return d, nil
}

// deliver sends one message and records the outcome. A command-menu
// record publishes the user's menu instead (see core.OutboxCommandMenu),
// and a thread record opens a case's thread (see openThread).
func (b *Bot) deliver(ctx context.Context, t Transport, m *core.OutboxMessage) (core.Delivery, error) {
	var (
		id, thread string
		sendErr    error
	)
	sctx := sendContext(ctx)
	switch m.Key {
	case core.OutboxCommandMenu:
		if menu, ok := unwrap(t).(CommandMenu); ok {
			sendErr = b.publishMenuOf(sctx, menu, m.Platform, m.ChatID)
		}
	case core.OutboxOpenThread:
		thread, sendErr = openThread(sctx, t, m)
	default:
		if msg, err := b.render(sctx, t, m); err != nil {
			sendErr = err // a stored file not read: tried again like a failed send, or given up when it is gone
		} else {
			id, sendErr = t.Send(sctx, msg)
		}
	}
	d := outcome(id, sendErr)
	if sendErr == nil {
		d.ThreadID = thread
	}
	// Recorded even when the stop came meanwhile: a message that went out
	// and is not marked so would go out again after the restart.
	err := b.svc.RecordDelivery(sctx, m, d)
	b.observeDelivery(m, d)
	if err != nil {
		return d, err
	}
	switch {
	case sendErr != nil && m.Key == core.OutboxOpenThread && d.Permanent:
		// A chat without threads (a group that is no forum): the case is
		// kept in the chat itself, as meant.
		b.log.Info().Err(sendErr).Int64("case_id", m.CaseID).Str("platform", m.Platform).Str("chat_id", m.ChatID).
			Msg("the chat has no threads: the case is kept in the chat")
	case sendErr != nil:
		ev := b.log.Warn()
		if m.Status == core.OutboxFailed {
			ev = b.log.Error()
		}
		ev.Err(sendErr).Int64("outbox_id", m.ID).Str("platform", m.Platform).Str("chat_id", m.ChatID).
			Int("attempts", m.Attempts).Msg("outbox delivery failed")
	}
	return d, nil
}

// openThread opens the thread of a case (core.OutboxOpenThread): named
// m.Text in the chat, where the transport has threads (ThreadOpener), and
// returns its id. Its errors are a send's, retried or given up alike. A
// transport without threads (the console) opens none: "" with no error,
// and the case is kept in the chat itself.
func openThread(ctx context.Context, t Transport, m *core.OutboxMessage) (string, error) {
	opener, ok := unwrap(t).(ThreadOpener)
	if !ok {
		return "", nil
	}
	return opener.OpenThread(ctx, m.ChatID, m.Text)
}

// sendContext is the context of one delivery: a stop (ctx done) is not
// passed on, since a call cut after the chat's server took it leaves a
// message that went out but stays pending, and goes out again after the
// restart; deliverChat starts no new delivery after the stop instead, and
// each transport's HTTP client bounds a call.
func sendContext(ctx context.Context) context.Context { return context.WithoutCancel(ctx) }

// outcome is the Delivery of a send that returned the platform's message
// id and err.
func outcome(id string, sendErr error) core.Delivery {
	d := core.Delivery{MessageID: id, Err: sendErr, Permanent: IsPermanent(sendErr)}
	var rl *RateLimitError
	if errors.As(sendErr, &rl) {
		d.RetryAfter = max(rl.RetryAfter, time.Millisecond)
	}
	var moved *ChatMovedError
	if errors.As(sendErr, &moved) {
		d.MovedTo = moved.NewChatID
	}
	return d
}

// render makes the message to send: a reply as it was written, a
// notification in its reader's language and time zone, with the content
// of the stored files it refers to (core.OutboxFile.SHA256) read now. A
// file that cannot be read fails the attempt (retried as a failed send);
// one that is not stored any more fails it for good (a PermanentError).
// A file larger than the platform takes from a bot is left out, and the
// message says so.
func (b *Bot) render(ctx context.Context, t Transport, m *core.OutboxMessage) (*Message, error) {
	lang, loc := m.Locale, (*time.Location)(nil)
	if m.UserID != 0 {
		if u, err := b.svc.UserByID(ctx, m.UserID); err == nil {
			if u.Locale != "" {
				lang = u.Locale
			}
			loc = u.Location()
		}
	}
	p := b.locales.Printer(lang, loc)
	msg := &Message{ChatID: m.ChatID, Direct: m.UserID != 0, ThreadID: m.ThreadID, ReplyTo: m.ReplyTo,
		EditID: m.EditID, Text: m.Text, Mentions: b.mentions(ctx, m.Platform, m.Mentions)}
	if m.Key != "" {
		msg.Text = p.T(m.Key, m.Args)
	}
	limit := int64(0)
	if fl, ok := unwrap(t).(FileLimits); ok {
		limit = fl.MaxUpload()
	}
	var notes []string
	for _, f := range m.Files {
		data, err := b.fileData(ctx, m, f)
		if err != nil {
			return nil, err
		}
		if size := int64(len(data)); limit > 0 && size > limit {
			notes = append(notes, p.T("msg.file.too_large_to_send", Args{"Name": f.Name,
				"Size": FileSize(p, size), "Max": FileSize(p, limit)}))
			continue
		}
		msg.Files = append(msg.Files, File{Name: f.Name, MIME: f.MIME, Data: data, SHA256: f.SHA256})
	}
	switch {
	case len(notes) == 0:
	case msg.EditID != "" && msg.Text == "":
		// Only a keyboard is replaced: a text would replace the message's.
		b.log.Warn().Int64("outbox_id", m.ID).Str("platform", m.Platform).Msg("a file too large for the platform left out")
	default:
		msg.Text = strings.TrimSpace(msg.Text + "\n\n" + strings.Join(notes, "\n"))
	}
	for _, row := range m.Buttons {
		var views []ButtonView
		for _, btn := range row {
			label := btn.Label
			if btn.LabelKey != "" {
				label = p.T(btn.LabelKey, nil)
			}
			views = append(views, ButtonView{Label: label, Token: btn.Token})
		}
		msg.Buttons = append(msg.Buttons, views)
	}
	return msg, nil
}

// StoredFileError is a stored file that a message refers to and that
// could not be read when the message was being delivered.
type StoredFileError struct {
	Name, SHA256 string
	Err          error
}

func (e *StoredFileError) Error() string {
	return fmt.Sprintf("stored file %q (sha256 %s): %v", e.Name, e.SHA256, e.Err)
}

func (e *StoredFileError) Unwrap() error { return e.Err }

// fileData is the content of a message's file: as written, or read from
// the store by its SHA-256. A file the store does not have is a
// PermanentError (no retry brings it back), logged as such.
func (b *Bot) fileData(ctx context.Context, m *core.OutboxMessage, f core.OutboxFile) ([]byte, error) {
	if f.SHA256 == "" || len(f.Data) > 0 {
		return f.Data, nil
	}
	data, err := b.svc.StoredFile(ctx, f.SHA256)
	if err == nil {
		return data, nil
	}
	fe := &StoredFileError{Name: f.Name, SHA256: f.SHA256, Err: err}
	if core.IsNotFound(err) {
		b.log.Error().Int64("outbox_id", m.ID).Str("platform", m.Platform).Str("chat_id", m.ChatID).
			Str("file", f.Name).Str("sha256", f.SHA256).
			Msg("outbox: the stored file the message carries is gone; the message is given up")
		return nil, &PermanentError{Err: fe}
	}
	return nil, fe
}

// mentions are the users to mention on a platform: their ids there, under
// their DealDesk names; users who have no id there (or are not found) are
// skipped, and each id is mentioned once.
func (b *Bot) mentions(ctx context.Context, platform string, users []int64) []Mention {
	var out []Mention
	for _, id := range users {
		u, err := b.svc.UserByID(ctx, id)
		if err != nil {
			continue
		}
		for _, identity := range u.Identities {
			p, pid, _ := core.SplitIdentity(identity)
			if p == platform && !slices.ContainsFunc(out, func(m Mention) bool { return m.ID == pid }) {
				out = append(out, Mention{ID: pid, Name: u.Name})
			}
		}
	}
	return out
}
