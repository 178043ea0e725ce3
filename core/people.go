package core

import (
	"slices"
	"strings"
)

// personKey is a name as typed, for matching: lower case, ё as е, without
// a mention's @ and the punctuation around it, "." and "_" as spaces.
func personKey(s string) string {
	s = strings.ToLower(strings.ReplaceAll(strings.ReplaceAll(s, "ё", "е"), "Ё", "Е"))
	s = strings.Trim(strings.TrimSpace(s), ",.;:!?()«»\"")
	s = strings.TrimPrefix(s, "@")
	s = strings.NewReplacer(".", " ", "_", " ").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// nameMatches reports whether a person's key (personKey) names the user
// called name: the whole name, one word of it, or the name's words
// written together.
func nameMatches(name, key string) bool {
	full := personKey(name)
	if full == "" {
		return false
	}
	if key == full || strings.ReplaceAll(key, " ", "") == strings.ReplaceAll(full, " ", "") {
		return true
	}
	return !strings.Contains(key, " ") && slices.Contains(strings.Fields(full), key)
}
