package mattermost

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"sync"
	"time"
)

// DefaultPressAnswerWait is how long the answer to a button press waits,
// by default, for DealDesk to handle the press (Config.PressAnswerWait).
const DefaultPressAnswerWait = 5 * time.Second

// errPressGone is Popup's answer for a press whose HTTP request is no
// longer waiting: its text can no longer be the press's ephemeral text.
var errPressGone = errors.New("mattermost: the press was answered already; its ephemeral text is too late")

// presses are the button presses whose HTTP requests wait for DealDesk to
// handle them: Mattermost shows the ephemeral_text of the answer to the
// presser alone, which is how a refused press is answered.
type presses struct {
	mu      sync.Mutex
	waiting map[string]chan string
}

// newPressID names a press, as the update's CallbackID.
func newPressID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥1.24)
	return hex.EncodeToString(b)
}

// expect registers a press that waits for its answer.
func (p *presses) expect(id string) <-chan string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.waiting == nil {
		p.waiting = map[string]chan string{}
	}
	ch := make(chan string, 1)
	p.waiting[id] = ch
	return ch
}

// forget stops waiting for a press and returns an answer that came
// meanwhile ("" when none did).
func (p *presses) forget(id string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	ch := p.waiting[id]
	delete(p.waiting, id)
	select {
	case text := <-ch:
		return text
	default:
		return ""
	}
}

// answer hands a press's answer to its waiting request and reports
// whether one was waiting.
func (p *presses) answer(id, text string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	ch, ok := p.waiting[id]
	if !ok {
		return false
	}
	delete(p.waiting, id)
	ch <- text
	return true
}

// Answer lets the HTTP request of a handled press return. Its text is not
// shown: what the press did comes as posts, and a refusal as Popup.
func (t *Transport) Answer(_ context.Context, callbackID, _ string) error {
	t.presses.answer(callbackID, "")
	return nil
}

// Popup answers a refused press with text that Mattermost shows the
// presser alone, as the press's ephemeral text. It fails when the press's
// request no longer waits (it took longer than Config.PressAnswerWait, or
// DealDesk restarted meanwhile): the bot then says it in the chat.
func (t *Transport) Popup(_ context.Context, callbackID, text string) error {
	if !t.presses.answer(callbackID, text) {
		return errPressGone
	}
	return nil
}
