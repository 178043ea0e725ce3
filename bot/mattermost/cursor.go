package mattermost

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// The cursor file keeps, across restarts, where reading stopped: the time
// before the oldest post taken but not handled (or of the newest post
// handled), followed by the ids of the posts after that time which were
// handled already, so that a restart neither loses nor repeats a post.

// cursor is the state to save; t.mu is held.
type cursor struct {
	at  int64
	ids []string
}

func (t *Transport) cursorLocked() cursor {
	c := cursor{at: t.lastSeen}
	for _, at := range t.pending {
		c.at = min(c.at, at-1)
	}
	for id, at := range t.seen {
		if _, waiting := t.pending[id]; at > c.at && !waiting {
			c.ids = append(c.ids, id)
		}
	}
	return c
}

// loadCursorLocked reads the cursor file into lastSeen and seen; t.mu is
// held. It reports whether there was one.
func (t *Transport) loadCursorLocked() bool {
	if t.cfg.CursorFile == "" {
		return false
	}
	b, err := os.ReadFile(t.cfg.CursorFile)
	if err != nil {
		return false
	}
	lines := strings.Fields(string(b))
	if len(lines) == 0 {
		return false
	}
	at, err := strconv.ParseInt(lines[0], 10, 64)
	if err != nil || at <= 0 {
		t.log.Warn().Str("file", t.cfg.CursorFile).Msg("mattermost: unreadable cursor file ignored")
		return false
	}
	t.lastSeen, t.floor = at, at
	for _, id := range lines[1:] {
		t.seen[id] = at + 1
	}
	return true
}

// saveCursor writes the cursor (a temporary file renamed into place, so a
// crash leaves the old or the new one), one writer at a time.
func (t *Transport) saveCursor(c cursor) {
	if t.cfg.CursorFile == "" {
		return
	}
	t.cursorMu.Lock()
	defer t.cursorMu.Unlock()
	var b strings.Builder
	b.WriteString(strconv.FormatInt(c.at, 10))
	for _, id := range c.ids {
		b.WriteString("\n" + id)
	}
	tmp := t.cfg.CursorFile + ".tmp"
	err := os.MkdirAll(filepath.Dir(tmp), 0o750)
	if err == nil {
		err = os.WriteFile(tmp, []byte(b.String()+"\n"), 0o640)
	}
	if err == nil {
		err = os.Rename(tmp, t.cfg.CursorFile)
	}
	if err != nil {
		t.log.Warn().Err(err).Str("file", t.cfg.CursorFile).Msg("mattermost: could not save the cursor")
	}
}
