package core

import (
	"strings"
	"time"
	"unicode"
)

// Message tags of a case discussion, in both languages.
var (
	decisionTags = map[string]bool{"решение": true, "decision": true}
	taskTags     = map[string]bool{"задача": true, "task": true}
)

// caseTags are the tags a message of a case carries.
type caseTags struct {
	decision bool
	// text is the message without its tags and task lines: the decision.
	text string
	// tasks are what follows each #задача on its line.
	tasks []string
}

// first is the tag the message carries, "decision" or "task" (a decision
// first), "" when none.
func (t caseTags) first() string {
	switch {
	case t.decision:
		return "decision"
	case len(t.tasks) > 0:
		return "task"
	}
	return ""
}

// readCaseTags finds the tags of a message: #решение (#decision) anywhere
// makes the message a decision, its text without the tags; #задача
// (#task) makes a task of the rest of its line. A tag is a whole word
// after a '#' that starts a word, in any case.
func readCaseTags(text string) caseTags {
	var t caseTags
	var keep strings.Builder
	rs := []rune(text)
	for i := 0; i < len(rs); {
		if rs[i] != '#' || i > 0 && isWordRune(rs[i-1]) {
			keep.WriteRune(rs[i])
			i++
			continue
		}
		j := i + 1
		for j < len(rs) && isWordRune(rs[j]) {
			j++
		}
		word := strings.ToLower(string(rs[i+1 : j]))
		switch {
		case decisionTags[word]:
			t.decision = true
			// «#решение: …», «#решение — …»: the mark after the tag goes
			// with it.
			for j < len(rs) && strings.ContainsRune(" \t:—–-", rs[j]) {
				j++
			}
			keep.WriteRune(' ')
			i = j
		case taskTags[word]:
			end := j
			for end < len(rs) && rs[end] != '\n' {
				end++
			}
			t.tasks = append(t.tasks, strings.TrimSpace(string(rs[j:end])))
			i = end
		default:
			keep.WriteRune(rs[i])
			i++
		}
	}
	var lines []string
	for _, line := range strings.Split(keep.String(), "\n") {
		if line = strings.Join(strings.Fields(line), " "); line != "" {
			lines = append(lines, line)
		}
	}
	t.text = strings.TrimLeft(strings.Join(lines, "\n"), ",.:;—–- ")
	return t
}

// StartsWithCaseTag reports whether a message starts with a case tag
// (#решение, #decision, #задача, #task, in any case, «#решение:» too):
// it is said to a case discussion, to be recorded or to make a task,
// rather than talk or an answer to the bot's question.
func StartsWithCaseTag(text string) bool {
	rs := []rune(strings.TrimSpace(text))
	if len(rs) == 0 || rs[0] != '#' {
		return false
	}
	j := 1
	for j < len(rs) && isWordRune(rs[j]) {
		j++
	}
	word := strings.ToLower(string(rs[1:j]))
	return decisionTags[word] || taskTags[word]
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }

// maxDeadlineWords is the longest deadline phrase a task line starts with
// («до 15.12.2026 в 12:00», «через 3 дня в 9:00»).
const maxDeadlineWords = 6

// readTaskLine reads what follows #задача: an assignee, a deadline and
// what to do, «@Петров 05.12 подготовить протокол» (the deadline may also
// end the line: «Петров подготовить протокол до пятницы»). The deadline
// is read in loc and must not have passed; a time in it that is none
// («завтра 25:00») is refused, never taken into the title.
func readTaskLine(users []*User, a Actor, line string, now time.Time, loc *time.Location) (*User, time.Time, string, error) {
	words := strings.Fields(strings.TrimLeft(line, ",.:;—–- "))
	if len(words) == 0 {
		return nil, time.Time{}, "", Errorf(EINVALID, "err.case.task_empty")
	}
	who, n, err := matchUser(users, a, words)
	if err != nil {
		return nil, time.Time{}, "", err
	}
	words = words[n:]
	var due time.Time
	found := false
	for k := min(maxDeadlineWords, len(words)); k >= 1 && !found; k-- {
		if t, _, err := ParseDeadline(strings.Join(words[:k], " "), now, loc); err == nil {
			due, found, words = t, true, words[k:]
		}
	}
	if found {
		// «завтра 25:00 …»: the day is read and the time after it is not
		// one; it is a mistake in the deadline, not the start of the title.
		if err := badClockAt(words); err != nil {
			return nil, time.Time{}, "", err
		}
	}
	title := strings.Join(words, " ")
	if !found {
		rest, dl, ok, err := CutDeadline(title, now, loc)
		if err != nil {
			return nil, time.Time{}, "", err
		}
		if !ok {
			return nil, time.Time{}, "", unreadDeadline(words, now, loc)
		}
		due, title = dl.At, rest
	}
	if err := ValidateDeadline(due, now); err != nil {
		return nil, time.Time{}, "", err
	}
	title = strings.TrimLeft(strings.TrimSpace(title), ",.:;—–- ")
	if title == "" {
		return nil, time.Time{}, "", Errorf(EINVALID, "err.case.task_title")
	}
	if err := ValidateTitle(title); err != nil {
		return nil, time.Time{}, "", err
	}
	return who, due, title, nil
}

// pastDays are the days before today that people write as a word: a
// deadline on one has passed.
var pastDays = map[string]int{"вчера": 1, "позавчера": 2, "yesterday": 1}

// unreadDeadline says why a task line that should go on with its deadline
// (the words after the assignee) has none that can be taken: a day said
// as passed («вчера», «yesterday 10:00») is the deadline parser's
// err.date.past, a word written as a date that is none («31.02», «5.13»)
// its err.date.format, a time that is none («25:00») err.case.task_time;
// otherwise the line has no deadline at all.
func unreadDeadline(words []string, now time.Time, loc *time.Location) error {
	ws := deadlineWords(strings.Join(words, " "))
	// A time that is none («25:00», «9:75») where a deadline should be
	// says why none could be read.
	for _, w := range ws {
		if clockShaped(w) && !isClock(w) {
			return badClock(w)
		}
	}
	if len(ws) > 1 && deadlinePrepositions[ws[0]] {
		ws = ws[1:]
	}
	if len(ws) == 0 {
		return Errorf(EINVALID, "err.case.task_due")
	}
	if back, ok := pastDays[ws[0]]; ok {
		now = now.In(loc)
		h, m := DefaultHour, 0
		if len(ws) > 1 && isClock(ws[1]) {
			clock, _ := time.Parse("15:04", ws[1])
			h, m = clock.Hour(), clock.Minute()
		}
		day := time.Date(now.Year(), now.Month(), now.Day()-back, h, m, 0, 0, loc)
		return ValidateDeadline(day, now)
	}
	if looksLikeDay(ws[0]) {
		text := ws[0]
		if len(ws) > 1 && isClock(ws[1]) {
			text += " " + ws[1]
		}
		if _, _, err := ParseDeadline(text, now, loc); err != nil {
			return err
		}
	}
	return Errorf(EINVALID, "err.case.task_due")
}

// badClockAt refuses the words after a deadline read at the start of a
// task line when they go on with a time that is none: «25:00», «в 24:00»,
// "at 9:75" (EINVALID err.case.task_time); nil otherwise.
func badClockAt(words []string) error {
	ws := deadlineWords(strings.Join(words, " "))
	if len(ws) > 1 && (ws[0] == "в" || ws[0] == "во" || ws[0] == "at") {
		ws = ws[1:]
	}
	if len(ws) > 0 && clockShaped(ws[0]) && !isClock(ws[0]) {
		return badClock(ws[0])
	}
	return nil
}

func badClock(w string) error { return Errorf(EINVALID, "err.case.task_time", "Text", w) }

// clockShaped reports whether a word is written as a time of day, hours
// and minutes of one or two digits around a colon («9:30», «25:00»),
// whether or not it is one.
func clockShaped(w string) bool {
	h, m, ok := strings.Cut(w, ":")
	return ok && len(h) >= 1 && len(h) <= 2 && len(m) >= 1 && len(m) <= 2 && allDigits(h) && allDigits(m)
}

// maxPersonWords is the most words of a person's name as typed.
const maxPersonWords = 3

// selfWords name the writer themselves as a task's assignee.
var selfWords = map[string]bool{"мне": true, "себе": true, "me": true, "myself": true}

// matchUser reads the person the words start with, among users: «мне»
// (the actor), a mention («@petrov», «@Петров») or a name («Петров», «Иван
// Петров»), matched to a user's full name, one word of it, or the name
// written together («@ivan.petrov», «@ivanpetrov»), in any case, ё as е.
// It returns the user and how many words named them; EINVALID
// err.case.person_unknown when the words name nobody, and
// err.case.person_ambiguous when they name several people.
func matchUser(users []*User, a Actor, words []string) (*User, int, error) {
	if len(words) == 0 {
		return nil, 0, Errorf(EINVALID, "err.case.person_unknown", "Name", "")
	}
	if first := personKey(words[0]); selfWords[first] && a.User != nil {
		return a.User, 1, nil
	}
	mention := strings.HasPrefix(words[0], "@")
	for n := min(maxPersonWords, len(words)); n >= 1; n-- {
		if mention && n > 1 {
			continue // a mention is one word
		}
		phrase := personKey(strings.Join(words[:n], " "))
		if phrase == "" {
			continue
		}
		var found []*User
		for _, u := range users {
			if nameMatches(u.Name, phrase) {
				found = append(found, u)
			}
		}
		switch len(found) {
		case 0:
			continue
		case 1:
			return found[0], n, nil
		}
		var names []string
		for _, u := range found {
			names = append(names, u.Name)
		}
		return nil, 0, Errorf(EINVALID, "err.case.person_ambiguous", "Name", strings.Join(words[:n], " "),
			"Names", strings.Join(names, ", "))
	}
	return nil, 0, Errorf(EINVALID, "err.case.person_unknown", "Name", strings.Trim(words[0], ",.;:"))
}

// DecisionText is a decision as the case records it, for the chat layer:
// the message's text without its tags.
func DecisionText(m *CaseMessage) string { return readCaseTags(m.Text).text }
