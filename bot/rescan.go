package bot

import "context"

// Rescan queues the updates waiting in the inbox that this process has not
// queued: on an instance taking over from a leader that died, the updates
// that one took and did not finish. An update another instance is handling
// at the same time is handled once: marking it handled is part of its
// change's transaction, and the second attempt's transaction is refused.
func (b *Bot) Rescan(ctx context.Context) { b.dispatch.load(ctx) }
