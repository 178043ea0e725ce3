package telegram

import (
	"strings"
	"unicode/utf8"

	"github.com/dealdesk/dealdesk/bot"
)

// textLen is the length of s as Telegram measures it: UTF-16 code units,
// so a character outside the BMP (most emoji) counts twice.
var textLen = bot.TextLen

// prefixLen returns the byte length of the longest prefix of s that is at
// most limit UTF-16 units long.
func prefixLen(s string, limit int) int {
	n := 0
	for i, r := range s {
		w := 1
		if r > 0xFFFF {
			w = 2
		}
		if n+w > limit {
			return i
		}
		n += w
	}
	return len(s)
}

// truncate cuts s to at most limit units, ending with an ellipsis if cut.
func truncate(s string, limit int) string {
	if textLen(s) <= limit {
		return s
	}
	return s[:prefixLen(s, limit-1)] + "…"
}

// splitText splits s into messages of at most limit units, breaking
// between lines; a line longer than limit is broken at its last space
// that fits, or mid-word if it has none. Blank parts are dropped.
func splitText(s string, limit int) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	if textLen(s) <= limit {
		return []string{s}
	}
	var (
		out []string
		cur strings.Builder
		n   int
	)
	flush := func() {
		if strings.TrimSpace(cur.String()) != "" {
			out = append(out, cur.String())
		}
		cur.Reset()
		n = 0
	}
	for _, line := range strings.Split(s, "\n") {
		for textLen(line) > limit {
			flush()
			head, tail := cutLine(line, limit)
			out = append(out, head)
			line = tail
		}
		need := textLen(line)
		if n > 0 {
			need++ // the newline joining it to the part
		}
		if n+need > limit {
			flush()
			need = textLen(line)
		}
		if n > 0 {
			cur.WriteByte('\n')
		}
		cur.WriteString(line)
		n += need
	}
	flush()
	return out
}

// cutLine breaks an over-long line into a head of at most limit units and
// the rest.
func cutLine(line string, limit int) (head, tail string) {
	end := prefixLen(line, limit)
	// Prefer a space in the second half, so words stay whole.
	if sp := strings.LastIndexByte(line[:end], ' '); sp > end/2 {
		return line[:sp], line[sp+1:]
	}
	if end == 0 { // cannot happen for limit >= 2; guards an endless loop
		_, size := utf8.DecodeRuneInString(line)
		end = size
	}
	return line[:end], line[end:]
}
