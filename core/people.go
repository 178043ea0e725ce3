package core

import (
	"slices"
	"strings"
)

// People named as people type them: «@petrov», «Петров», «Иван Петров»,
// «@ivan.petrov». The folding is NormalizeName's (lower case, ё as е,
// quotes and repeated spaces gone), the same as a card's or a manager's
// name is searched by (findManager), with what a mention adds: its @, the
// punctuation around a word in a sentence, and "." and "_" as spaces.

// personKey is a name as typed, folded for matching (see above).
func personKey(s string) string {
	s = strings.Trim(strings.TrimSpace(s), ",.;:!?()«»\"“”„'")
	s = strings.TrimPrefix(s, "@")
	return NormalizeName(strings.NewReplacer(".", " ", "_", " ").Replace(s))
}

// nameMatches reports whether a person's key (personKey) names the user
// called name: the whole name, one word of it, or the name's words
// written together.
func nameMatches(name, key string) bool {
	full := personKey(name)
	if full == "" || key == "" {
		return false
	}
	if key == full || strings.ReplaceAll(key, " ", "") == strings.ReplaceAll(full, " ", "") {
		return true
	}
	return !strings.Contains(key, " ") && slices.Contains(strings.Fields(full), key)
}
