package bot

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/locales"
)

// downStore is a store that cannot be reached.
type downStore struct{}

var errDown = errors.New("connection refused")

func (downStore) View(context.Context, func(core.Tx) error) error   { return errDown }
func (downStore) Update(context.Context, func(core.Tx) error) error { return errDown }
func (downStore) Batch(context.Context, func(core.Tx) error) error  { return errDown }

type lastUpdate struct {
	n                          int
	platform, command, outcome string
}

func (l *lastUpdate) UpdateHandled(platform, command string, _ time.Duration, outcome string) {
	l.n++
	l.platform, l.command, l.outcome = platform, command, outcome
}

func (l *lastUpdate) Delivery(string, string) {}

// An update that cannot be handled now (the store is unreachable, so it is
// not even read) is observed as one to be tried again, its command unknown,
// and the dispatcher gets the error to retry it.
func TestObserverSeesAnUpdateToRetry(t *testing.T) {
	o := &lastUpdate{}
	b := New(Config{Service: core.NewService(downStore{}), Locales: locales.MustLoad(), Observer: o})
	err := b.processObserved(context.Background(), &core.InboxItem{ID: 7, Platform: "telegram", ChatID: "1",
		ReceivedAt: time.Now()})
	if !errors.Is(err, errDown) {
		t.Fatalf("err = %v, want the store's", err)
	}
	if o.n != 1 || o.platform != "telegram" || o.command != labelUnknown || o.outcome != UpdateRetry {
		t.Fatalf("observed %+v", o)
	}
}
