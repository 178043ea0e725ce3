package mattermost

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// loadCursor reads the time of the last post handled before a restart. It
// reports whether there was one, so the first connection catches up too.
func (t *Transport) loadCursor() bool {
	if t.cfg.CursorFile == "" {
		return false
	}
	b, err := os.ReadFile(t.cfg.CursorFile)
	if err != nil {
		return false
	}
	ms, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil || ms <= 0 {
		t.log.Warn().Str("file", t.cfg.CursorFile).Msg("mattermost: unreadable cursor file ignored")
		return false
	}
	t.mu.Lock()
	t.lastSeen = ms
	t.mu.Unlock()
	return true
}

// saveCursor writes the time of the last post handled (a temporary file
// renamed into place, so a crash leaves the old or the new value).
func (t *Transport) saveCursor(ms int64) {
	if t.cfg.CursorFile == "" {
		return
	}
	t.cursorMu.Lock() // chats are handled in parallel; one writer at a time
	defer t.cursorMu.Unlock()
	if ms <= t.savedCursor {
		return
	}
	t.savedCursor = ms
	tmp := t.cfg.CursorFile + ".tmp"
	if err := os.MkdirAll(filepath.Dir(tmp), 0o750); err == nil {
		err = os.WriteFile(tmp, []byte(strconv.FormatInt(ms, 10)), 0o640)
		if err == nil {
			err = os.Rename(tmp, t.cfg.CursorFile)
		}
		if err == nil {
			return
		}
	}
	t.log.Warn().Str("file", t.cfg.CursorFile).Msg("mattermost: could not save the cursor")
}
