package core

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The filters of an export or a report as people type them after
// `/export <entity>` or in /report's filter step, in Russian or English:
// a period («за ноябрь», «за прошлый месяц», «с 01.11.2026 по 30.11.2026»,
// "last 30 days"), a person («менеджер Иванов», «команда Петров», «мои»), a
// deal's stage, the entity's status, a client (by INN or name) and the
// file's format (csv, xlsx).

// Resolve computes the period of a relative filter (Rel) at now in loc:
// days start at midnight in loc, weeks on Monday. A filter without Rel is
// returned as it is; Rel stays set, so the notes can name it.
func (f ReportFilter) Resolve(now time.Time, loc *time.Location) ReportFilter {
	if f.Rel == "" {
		return f
	}
	if loc == nil {
		loc = Location("")
	}
	if from, to, ok := relPeriodBounds(f.Rel, now, loc); ok {
		f.From, f.To = from, to
	}
	return f
}

// relPeriodBounds is the period [from, to) of a relative period at now in loc.
func relPeriodBounds(rel RelPeriod, now time.Time, loc *time.Location) (from, to time.Time, ok bool) {
	now = now.In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	monday := midnightAfter(today, -((int(today.Weekday()) + 6) % 7))
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc)
	switch rel {
	case RelToday:
		return today, midnightAfter(today, 1), true
	case RelYesterday:
		return midnightAfter(today, -1), today, true
	case RelThisWeek:
		return monday, midnightAfter(monday, 7), true
	case RelLastWeek:
		return midnightAfter(monday, -7), monday, true
	case RelThisMonth:
		return month, month.AddDate(0, 1, 0), true
	case RelLastMonth:
		return month.AddDate(0, -1, 0), month, true
	case RelThisYear:
		year := time.Date(now.Year(), 1, 1, 0, 0, 0, 0, loc)
		return year, year.AddDate(1, 0, 0), true
	case RelLast7:
		return midnightAfter(today, -6), midnightAfter(today, 1), true
	case RelLast30:
		return midnightAfter(today, -29), midnightAfter(today, 1), true
	}
	return time.Time{}, time.Time{}, false
}

// midnightAfter is the midnight n days after the midnight d, in d's zone (a
// day across a change of clocks is not 24 hours).
func midnightAfter(d time.Time, n int) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day()+n, 0, 0, 0, 0, d.Location())
}

// ParseReportFilter reads the filters typed after `/export <entity>` or in
// /report's filter step, and the file's format when one is named ("" when
// none). Dates are in the actor's time zone; a relative period («за прошлый
// месяц», "this week") stays relative (Rel), so that a saved template or a
// schedule computes it at each run. People and clients are looked up by
// name: a name that fits several is refused with the candidates. A word it
// cannot read is EINVALID err.filter.unknown; a bad date or an empty
// period is explained.
func (s *Service) ParseReportFilter(ctx context.Context, a Actor, text string) (ReportFilter, ReportFormat, error) {
	var f ReportFilter
	var format ReportFormat
	err := s.view(ctx, func(tx Tx) error {
		loc := Location("")
		if a.User != nil {
			loc = a.User.Location()
		}
		p := &filterParser{tx: tx, a: a, now: tx.Now().In(loc), loc: loc}
		p.split(text)
		if err := p.parse(); err != nil {
			return err
		}
		f, format = p.f, p.format
		return nil
	})
	if err != nil {
		return ReportFilter{}, "", err
	}
	return f, format, nil
}

// filterParser reads the words of a filter one phrase at a time.
type filterParser struct {
	tx    Tx
	a     Actor
	now   time.Time
	loc   *time.Location
	words []string // as typed, without the punctuation around them
	keys  []string // folded: lower case, ё as е
	i     int

	f      ReportFilter
	format ReportFormat
	period bool // a period was read
	users  []*User
}

// split cuts the text into words, dropping the punctuation around them.
func (p *filterParser) split(text string) {
	for w := range strings.FieldsSeq(strings.NewReplacer(",", " ", ";", " ").Replace(text)) {
		w = strings.Trim(w, "!?:«»\"“”„'()")
		if w != ".." {
			w = strings.TrimRight(w, ".") // «г.», a sentence's end; no date ends with a point
		}
		if w == "" {
			continue
		}
		p.words = append(p.words, w)
		p.keys = append(p.keys, filterFold(w))
	}
}

// filterFold is a word as the vocabularies hold it: lower case, ё as е.
func filterFold(w string) string { return strings.ReplaceAll(strings.ToLower(w), "ё", "е") }

// filterFoldPhrase is a phrase as the vocabularies hold it: folded words with
// single spaces, without brackets («закрыта (успех)» → «закрыта успех»).
func filterFoldPhrase(s string) string {
	s = strings.NewReplacer("(", " ", ")", " ", ",", " ").Replace(filterFold(s))
	return strings.Join(strings.Fields(s), " ")
}

// Keywords that start a filter's value.
var (
	filterManagerWords = map[string]bool{"менеджер": true, "менеджера": true, "менеджеру": true, "менеджером": true,
		"ответственный": true, "manager": true, "сотрудник": true, "сотрудника": true, "сотруднику": true,
		"user": true, "исполнитель": true, "исполнителя": true, "assignee": true}
	filterTeamWords  = map[string]bool{"команда": true, "команды": true, "команду": true, "команде": true, "team": true}
	filterStageWords = map[string]bool{"стадия": true, "стадии": true, "стадию": true, "этап": true, "этапе": true,
		"этапа": true, "stage": true}
	filterStatusWords = map[string]bool{"статус": true, "статусе": true, "статуса": true, "status": true}
	filterClientWords = map[string]bool{"клиент": true, "клиента": true, "клиенту": true, "контрагент": true,
		"контрагента": true, "client": true, "counterparty": true}
	filterFormatWords = map[string]ReportFormat{"csv": FormatCSV, "xlsx": FormatXLSX, "excel": FormatXLSX,
		"эксель": FormatXLSX}
	// filterMineWords narrow to the actor's own records; filterMyTeamWords (before
	// команда / team) to the actor's team.
	filterMineWords   = map[string]bool{"мои": true, "мой": true, "моя": true, "мое": true, "my": true, "mine": true}
	filterMyTeamWords = map[string]bool{"моя": true, "моей": true, "мою": true, "my": true}
	// filterFillerWords may stand before a period: «за ноябрь», «в ноябре»,
	// "for last month", «период с …».
	filterFillerWords = map[string]bool{"за": true, "в": true, "во": true, "на": true, "for": true, "in": true,
		"during": true, "over": true, "the": true, "a": true, "период": true, "period": true}
	// Starts and ends of a period given by dates.
	filterSinceWords = map[string]bool{"с": true, "со": true, "от": true, "from": true, "since": true}
	// filterUntilWords end a period with the day named included (по, to), or
	// excluded (до, until, before).
	filterUntilWords = map[string]bool{"по": true, "to": true, "through": true, "till": true, "до": false,
		"until": false, "before": false}
	filterDashWords = map[string]bool{"-": true, "–": true, "—": true, "..": true}
	// filterPrepositions may stand before a filter's keyword: «на стадии
	// согласования», «по клиенту Ромашка», «у менеджера Иванова».
	filterPrepositions = map[string]bool{"на": true, "по": true, "в": true, "во": true, "у": true, "с": true,
		"со": true, "для": true, "от": true, "by": true, "for": true, "in": true, "at": true, "with": true, "of": true}
)

// filterKeyword reports whether a folded word starts a filter's value.
func filterKeyword(w string) bool {
	return filterManagerWords[w] || filterTeamWords[w] || filterStageWords[w] || filterStatusWords[w] || filterClientWords[w]
}

// parse reads every word, or fails at the first one it cannot read.
func (p *filterParser) parse() error {
	for p.i < len(p.keys) {
		w := p.keys[p.i]
		if f, ok := filterFormatWords[w]; ok {
			if p.format != "" && p.format != f {
				return Errorf(EINVALID, "err.filter.twice", "Word", p.words[p.i])
			}
			p.format = f
			p.i++
			continue
		}
		var err error
		switch {
		case filterMyTeamWords[w] && p.i+1 < len(p.keys) && filterTeamWords[p.keys[p.i+1]]:
			err = p.myTeam()
		case filterMineWords[w]:
			err = p.mine()
		case filterManagerWords[w]:
			err = p.manager()
		case filterTeamWords[w]:
			err = p.team()
		case filterStageWords[w]:
			err = p.stage()
		case filterStatusWords[w]:
			err = p.status()
		case filterClientWords[w]:
			err = p.client(p.i + 1)
		case filterINN(w):
			err = p.client(p.i)
		case filterPrepositions[w] && p.i+1 < len(p.keys) && filterKeyword(p.keys[p.i+1]):
			p.i++ // «на стадии согласования», «по клиенту Ромашка», «в статусе открыта»
		default:
			err = p.readPeriod()
		}
		if err != nil {
			return err
		}
	}
	if !p.f.From.IsZero() && !p.f.To.IsZero() && !p.f.To.After(p.f.From) {
		return Errorf(EINVALID, "err.filter.empty_period", "From", p.day(p.f.From), "To", p.day(p.f.To.AddDate(0, 0, -1)))
	}
	return nil
}

// day formats a date in the parser's zone as people type it, for the
// messages: 01.11.2026.
func (p *filterParser) day(t time.Time) string { return t.In(p.loc).Format("02.01.2006") }

// filterINN reports whether a word is an INN (10 or 12 digits), with or
// without a KPP after a slash.
func filterINN(w string) bool {
	inn, kpp, slash := strings.Cut(w, "/")
	return allDigits(inn) && (len(inn) == 10 || len(inn) == 12) && (!slash || allDigits(kpp) && len(kpp) == 9)
}

// value returns the words of a keyword's value: from the word after the
// keyword up to the next keyword, format or period (at least one word);
// EINVALID err.filter.value_missing when nothing follows.
func (p *filterParser) value(from int) (end int, err error) {
	if from >= len(p.keys) {
		return 0, Errorf(EINVALID, "err.filter.value_missing", "Word", p.words[from-1])
	}
	end = from + 1
	for end < len(p.keys) && !p.boundary(end) {
		end++
	}
	return end, nil
}

// boundary reports whether the word at i starts another filter.
func (p *filterParser) boundary(i int) bool {
	w := p.keys[i]
	if _, ok := filterFormatWords[w]; ok {
		return true
	}
	if filterKeyword(w) || filterMineWords[w] {
		return true
	}
	if filterPrepositions[w] && i+1 < len(p.keys) && filterKeyword(p.keys[i+1]) {
		return true
	}
	if j := p.fillersEnd(i); j > i && j < len(p.keys) {
		if n, _, err := p.periodAt(j); n > 0 || err != nil {
			return true
		}
	}
	// «с», «по» start a period only before a date: «подписан с
	// разногласиями» is a status.
	n, _, err := p.periodAt(i)
	return n > 0 || err != nil
}

// mine narrows to the actor's own records.
func (p *filterParser) mine() error {
	if p.a.User == nil {
		return Errorf(EINVALID, "err.filter.unknown", "Word", p.words[p.i])
	}
	if p.f.ManagerID != 0 {
		return Errorf(EINVALID, "err.filter.twice", "Word", p.words[p.i])
	}
	p.f.ManagerID = p.a.User.ID
	p.i++
	return nil
}

// myTeam narrows to the actor's team: a head's.
func (p *filterParser) myTeam() error {
	if p.a.User == nil || p.a.User.Role != RoleHead {
		return Errorf(EINVALID, "err.filter.my_team", "Word", p.words[p.i]+" "+p.words[p.i+1])
	}
	if p.f.TeamID != 0 {
		return Errorf(EINVALID, "err.filter.twice", "Word", p.words[p.i+1])
	}
	p.f.TeamID = p.a.User.ID
	p.i += 2
	return nil
}

// people returns every user, read once.
func (p *filterParser) people() ([]*User, error) {
	if p.users == nil {
		us, err := p.tx.ListUsers()
		if err != nil {
			return nil, err
		}
		p.users = us
	}
	return p.users, nil
}

// person reads the person the value at p.i+1 names among the users that
// fit: the longest phrase (up to three words) that names one. Several
// people of one name are refused with their names; an active one is
// preferred to disabled ones of the same name.
func (p *filterParser) person(fit func(*User) bool, unknown, ambiguous string) (*User, error) {
	kw := p.words[p.i]
	end, err := p.value(p.i + 1)
	if err != nil {
		return nil, err
	}
	users, err := p.people()
	if err != nil {
		return nil, err
	}
	start := p.i + 1
	for n := min(maxPersonWords, end-start); n >= 1; n-- {
		key := personKey(strings.Join(p.words[start:start+n], " "))
		var found, active []*User
		for _, u := range users {
			if fit(u) && nameMatches(u.Name, key) {
				found = append(found, u)
				if u.Active {
					active = append(active, u)
				}
			}
		}
		if len(found) == 0 {
			// «менеджер Иванова», «команда Начальникова»: a declined
			// name, when its nominative names someone.
			for _, u := range users {
				if fit(u) && slices.ContainsFunc(declinedNameKeys(key), func(k string) bool { return nameMatches(u.Name, k) }) {
					found = append(found, u)
					if u.Active {
						active = append(active, u)
					}
				}
			}
		}
		if len(active) == 1 {
			found = active
		}
		switch len(found) {
		case 0:
			continue
		case 1:
			p.i = start + n
			return found[0], nil
		}
		names := make([]string, len(found))
		for i, u := range found {
			names[i] = u.Name
		}
		return nil, Errorf(EINVALID, ambiguous, "Name", strings.Join(p.words[start:start+n], " "),
			"Names", strings.Join(names, ", "), "Word", kw)
	}
	return nil, Errorf(EINVALID, unknown, "Name", strings.Join(p.words[start:end], " "), "Word", kw)
}

// nameEndings turn the endings of declined Russian names back into their
// nominatives: «Иванова» → Иванов, «Ивановой» → Иванова, «Ирины» → Ирина,
// «Андрея» → Андрей, «Достоевского» → Достоевский.
var nameEndings = []struct{ end, nom []string }{
	{[]string{"ого", "его", "ому", "ему", "им", "ом"}, []string{"ий", "ый", "ой", ""}},
	{[]string{"ой", "ей"}, []string{"а", "я"}},
	{[]string{"ым"}, []string{""}},
	{[]string{"а", "у", "е"}, []string{"", "а"}},
	{[]string{"ы", "и"}, []string{"а", "я"}},
	{[]string{"я", "ю"}, []string{"й", "ь", "я"}},
}

// declinedNameKeys are the nominatives a folded name (personKey) may be
// declined from, word by word: «максима менеджерова» → «максим менеджеров»…
// The name itself is not among them.
func declinedNameKeys(key string) []string {
	words := strings.Fields(key)
	if len(words) == 0 || len(words) > maxPersonWords {
		return nil
	}
	keys := []string{""}
	for _, w := range words {
		forms := []string{w}
		r := []rune(w)
		for _, e := range nameEndings {
			for _, end := range e.end {
				stem, ok := strings.CutSuffix(w, end)
				if !ok || len([]rune(stem)) < 2 || len(r) < 4 {
					continue
				}
				for _, nom := range e.nom {
					forms = append(forms, stem+nom)
				}
			}
		}
		var next []string
		for _, k := range keys {
			for _, f := range forms {
				next = append(next, strings.TrimSpace(k+" "+f))
			}
		}
		keys = next
	}
	return slices.DeleteFunc(keys, func(k string) bool { return k == key })
}

// manager reads «менеджер Иванов»: whose records (a deal's or card's
// manager, a task's assignee, a request's author…).
func (p *filterParser) manager() error {
	if p.f.ManagerID != 0 {
		return Errorf(EINVALID, "err.filter.twice", "Word", p.words[p.i])
	}
	u, err := p.person(func(*User) bool { return true }, "err.filter.person_unknown", "err.filter.person_ambiguous")
	if err != nil {
		return err
	}
	p.f.ManagerID = u.ID
	return nil
}

// team reads «команда Петров»: a head's team.
func (p *filterParser) team() error {
	if p.f.TeamID != 0 {
		return Errorf(EINVALID, "err.filter.twice", "Word", p.words[p.i])
	}
	users, err := p.people()
	if err != nil {
		return err
	}
	heads := map[int64]bool{}
	for _, u := range users {
		if u.Role == RoleHead {
			heads[u.ID] = true
		}
		if u.HeadID != 0 {
			heads[u.HeadID] = true
		}
	}
	at := p.i
	u, err := p.person(func(u *User) bool { return heads[u.ID] }, "err.filter.team_unknown", "err.filter.person_ambiguous")
	if err != nil {
		// Someone who leads no team is named as such.
		p.i = at
		if other, e := p.person(func(*User) bool { return true }, "", ""); e == nil {
			return Errorf(EINVALID, "err.filter.team_not_head", "Name", other.Name)
		}
		return err
	}
	p.f.TeamID = u.ID
	return nil
}

// stage reads «стадия подписание».
func (p *filterParser) stage() error {
	kw := p.words[p.i]
	if p.f.Stage != "" {
		return Errorf(EINVALID, "err.filter.twice", "Word", kw)
	}
	end, err := p.value(p.i + 1)
	if err != nil {
		return err
	}
	start := p.i + 1
	for n := min(4, end-start); n >= 1; n-- {
		if st, ok := ParseStage(strings.Join(p.words[start:start+n], " ")); ok {
			p.f.Stage, p.i = st, start+n
			return nil
		}
	}
	return Errorf(EINVALID, "err.filter.stage_unknown", "Stage", strings.Join(p.words[start:end], " "))
}

// status reads «статус открыта»: kept as typed (folded), since its
// meaning depends on the entity exported; a word that is no status of any
// entity is refused here.
func (p *filterParser) status() error {
	kw := p.words[p.i]
	if p.f.Status != "" {
		return Errorf(EINVALID, "err.filter.twice", "Word", kw)
	}
	end, err := p.value(p.i + 1)
	if err != nil {
		return err
	}
	start := p.i + 1
	for n := min(4, end-start); n >= 1; n-- {
		phrase := filterFoldPhrase(strings.Join(p.words[start:start+n], " "))
		if anyStatus(phrase) {
			p.f.Status, p.i = phrase, start+n
			return nil
		}
	}
	return Errorf(EINVALID, "err.filter.status_unknown", "Status", strings.Join(p.words[start:end], " "))
}

// client reads the client the words at from name: an INN (with a KPP
// after a slash), a card's number (#12) or a name. Several cards are
// refused with their names; merged duplicates give way to live cards.
func (p *filterParser) client(from int) error {
	kw := p.words[p.i]
	if p.f.ClientID != 0 {
		return Errorf(EINVALID, "err.filter.twice", "Word", kw)
	}
	end, err := p.value(from)
	if from == p.i && err == nil {
		end = from + 1 // a bare INN is one word
	}
	if err != nil {
		return err
	}
	first := p.keys[from]
	var found []*Client
	n := 1
	switch {
	case filterINN(first):
		inn, kpp, _ := strings.Cut(first, "/")
		if kpp != "" {
			c, err := p.tx.ClientByINN(inn, kpp)
			if err != nil && !IsNotFound(err) {
				return err
			}
			if c != nil {
				found = []*Client{c}
			}
		} else if found, err = p.tx.ClientsByINN(inn); err != nil {
			return err
		}
	case strings.HasPrefix(first, "#") && allDigits(first[1:]):
		id, _ := strconv.ParseInt(first[1:], 10, 64)
		c, err := p.tx.ClientByID(id)
		if err != nil && !IsNotFound(err) {
			return err
		}
		if c != nil {
			found = []*Client{c}
		}
	default:
		for n = end - from; n >= 1; n-- {
			q := strings.Join(p.words[from:from+n], " ")
			if found, err = p.tx.SearchClients(q, 20); err != nil {
				return err
			}
			if len(found) == 0 {
				continue
			}
			// A name typed in full picks its card among longer ones.
			var exact []*Client
			for _, c := range found {
				if NormalizeName(c.ShortName) == NormalizeName(q) || NormalizeName(c.FullName) == NormalizeName(q) {
					exact = append(exact, c)
				}
			}
			if len(exact) > 0 {
				found = exact
			}
			break
		}
	}
	if live := slices.DeleteFunc(slices.Clone(found), func(c *Client) bool { return c.MergedInto != 0 }); len(live) > 0 {
		found = live
	}
	query := strings.Join(p.words[from:end], " ")
	switch len(found) {
	case 0:
		return Errorf(EINVALID, "err.filter.client_unknown", "Query", query)
	case 1:
		p.f.ClientID, p.i = found[0].ID, from+max(n, 1)
		return nil
	}
	var names []string
	for i, c := range found {
		if i == 5 {
			names = append(names, "…")
			break
		}
		label := c.Name() + ", " + c.INN
		if c.KPP != "" {
			label += "/" + c.KPP
		}
		names = append(names, label)
	}
	return Errorf(EINVALID, "err.filter.client_ambiguous", "Query", query, "Names", strings.Join(names, "; "))
}

// readPeriod reads a period at p.i, with a preposition before it
// («за ноябрь»); anything else is an unknown word.
func (p *filterParser) readPeriod() error {
	i := p.i
	if j := p.fillersEnd(i); j > i && j < len(p.keys) {
		n, _, err := p.periodAt(j)
		if err != nil {
			return err
		}
		if n > 0 {
			i = j
		}
	}
	n, per, err := p.periodAt(i)
	if err != nil {
		return err
	}
	if n == 0 {
		return Errorf(EINVALID, "err.filter.unknown", "Word", p.unreadable())
	}
	if p.period {
		return Errorf(EINVALID, "err.filter.period_twice", "Text", strings.Join(p.words[p.i:i+n], " "))
	}
	p.period = true
	p.f.From, p.f.To, p.f.Rel = per.from, per.to, per.rel
	p.i = i + n
	return nil
}

// fillersEnd is the first word at or after i that is no filler before a
// period («за период с …» → «с»); i when the word at i is none.
func (p *filterParser) fillersEnd(i int) int {
	for i < len(p.keys) && filterFillerWords[p.keys[i]] {
		i++
	}
	return i
}

// unreadable is the phrase at p.i that no filter reads, as typed, for the
// error: the words after the prepositions before it («за полгода» →
// «полгода») up to the next filter, or the preposition itself when nothing
// follows it.
func (p *filterParser) unreadable() string {
	start := p.i
	for start+1 < len(p.keys) && (filterFillerWords[p.keys[start]] || filterPrepositions[p.keys[start]] ||
		filterSinceWords[p.keys[start]]) {
		start++
	}
	if _, until := filterUntilWords[p.keys[start]]; until && start+1 < len(p.keys) {
		start++
	}
	end := start + 1
	for end < len(p.keys) && !p.boundary(end) {
		end++
	}
	return strings.Join(p.words[start:end], " ")
}

// filterPeriod is a period read: relative, or bounded by dates.
type filterPeriod struct {
	from, to time.Time
	rel      RelPeriod
}

// filterRelWords are the relative periods of one or two words.
var filterRelWords = map[string]RelPeriod{
	"сегодня": RelToday, "today": RelToday, "вчера": RelYesterday, "yesterday": RelYesterday,
	"эта неделя": RelThisWeek, "эту неделю": RelThisWeek, "этой неделе": RelThisWeek, "текущая неделя": RelThisWeek,
	"текущую неделю": RelThisWeek, "текущей неделе": RelThisWeek, "this week": RelThisWeek,
	"прошлая неделя": RelLastWeek, "прошлую неделю": RelLastWeek, "прошлой неделе": RelLastWeek,
	"предыдущая неделя": RelLastWeek, "предыдущую неделю": RelLastWeek, "предыдущей неделе": RelLastWeek,
	"last week": RelLastWeek, "previous week": RelLastWeek,
	"этот месяц": RelThisMonth, "этом месяце": RelThisMonth, "текущий месяц": RelThisMonth,
	"текущем месяце": RelThisMonth, "this month": RelThisMonth,
	"прошлый месяц": RelLastMonth, "прошлом месяце": RelLastMonth, "предыдущий месяц": RelLastMonth,
	"предыдущем месяце": RelLastMonth, "last month": RelLastMonth, "previous month": RelLastMonth,
	"этот год": RelThisYear, "этом году": RelThisYear, "текущий год": RelThisYear, "текущем году": RelThisYear,
	"this year": RelThisYear, "past week": RelLast7, "past month": RelLast30,
	"последнюю неделю": RelLast7, "последняя неделя": RelLast7, "последней неделе": RelLast7,
	"последний месяц": RelLast30, "последнем месяце": RelLast30,
}

// filterBareRelWords after a preposition are the last 7 or 30 days, today
// included: «за неделю», «за месяц», "for a month". Alone they are no
// period («клиент Медовый месяц»).
var filterBareRelWords = map[string]RelPeriod{"неделю": RelLast7, "неделя": RelLast7, "week": RelLast7,
	"месяц": RelLast30, "month": RelLast30}

// filterWeekWords and filterMonthWords count weeks and months: «за 2 недели»,
// «последние 3 месяца».
var (
	filterWeekWords  = map[string]bool{"неделя": true, "неделю": true, "недели": true, "недель": true, "нед": true, "week": true, "weeks": true}
	filterMonthWords = map[string]bool{"месяц": true, "месяца": true, "месяцев": true, "мес": true, "month": true, "months": true}
)

// Quarters: «за квартал» (this one), «за прошлый квартал», «за 3 квартал»,
// «III квартал 2026», «4 кв. 2026», "Q4 2026".
var (
	filterQuarterWords = map[string]bool{"квартал": true, "квартала": true, "квартале": true, "кв": true,
		"quarter": true}
	filterThisWords = map[string]bool{"этот": true, "этом": true, "текущий": true, "текущем": true, "this": true,
		"current": true}
	filterPrevWords = map[string]bool{"прошлый": true, "прошлом": true, "предыдущий": true, "предыдущем": true,
		"last": true, "previous": true}
	filterQuarterNumbers = map[string]int{"1": 1, "2": 2, "3": 3, "4": 4, "1-й": 1, "2-й": 2, "3-й": 3, "4-й": 4,
		"1-м": 1, "2-м": 2, "3-м": 3, "4-м": 4, "i": 1, "ii": 2, "iii": 3, "iv": 4, "первый": 1, "второй": 2,
		"третий": 3, "четвертый": 4, "первом": 1, "втором": 2, "третьем": 3, "четвертом": 4, "first": 1,
		"second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
	filterQRE = regexp.MustCompile(`^q([1-4])$`)
)

// filterLastYearWords name the year before this one (no relative period: it is
// given by its dates).
var filterLastYearWords = map[string]bool{"прошлый год": true, "прошлом году": true, "предыдущий год": true,
	"last year": true, "previous year": true}

// filterLastWords may stand before a number of days: «последние 30 дней».
var filterLastWords = map[string]bool{"последние": true, "последних": true, "последний": true, "last": true, "past": true}

// filterDayWords count days.
var filterDayWords = map[string]bool{"день": true, "дня": true, "дней": true, "дн": true, "day": true, "days": true}

// filterYearWords may follow a year: «2026 год», «ноябрь 2026 г.».
var filterYearWords = map[string]bool{"год": true, "года": true, "году": true, "г": true, "year": true}

// Dates of a period: 01.11.2026, 1.11.26, 01.11 (this year), 2026-11-01;
// a month: 11.2026, 2026-11; a range in one word: 01.11.2026-30.11.2026,
// 2026-11-01..2026-11-30.
var (
	filterDotDateRE = regexp.MustCompile(`^(\d{1,2})\.(\d{1,2})(?:\.(\d{4}|\d{2}))?$`)
	filterISODateRE = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
	filterMonthRE   = regexp.MustCompile(`^(?:(\d{1,2})\.(\d{4})|(\d{4})-(\d{1,2}))$`)
	filterRangeRE   = regexp.MustCompile(`^(\d{1,2}\.\d{1,2}(?:\.\d{2,4})?|\d{4}-\d{1,2}-\d{1,2})(?:-|–|—|\.\.)(\d{1,2}\.\d{1,2}(?:\.\d{2,4})?|\d{4}-\d{1,2}-\d{1,2})$`)
)

// periodAt reads a period at the word i; n is the words it took, 0 when
// none starts there. A word shaped like a date that is none (31.11.2026)
// is an error.
func (p *filterParser) periodAt(i int) (n int, per filterPeriod, err error) {
	w := p.keys[i]
	next := func(k int) string {
		if i+k < len(p.keys) {
			return p.keys[i+k]
		}
		return ""
	}
	if rel, ok := filterRelWords[w]; ok {
		return 1, filterPeriod{rel: rel}, nil
	}
	if rel, ok := filterBareRelWords[w]; ok && i > 0 && filterFillerWords[p.keys[i-1]] {
		return 1, filterPeriod{rel: rel}, nil
	}
	if rel, ok := filterRelWords[w+" "+next(1)]; ok {
		return 2, filterPeriod{rel: rel}, nil
	}
	if filterLastYearWords[w+" "+next(1)] {
		y := p.now.Year() - 1
		return 2, p.span(civil{y, 1, 1}, civil{y + 1, 1, 1}), nil
	}
	if n, per, ok := p.quarterAt(i); ok {
		return n, per, nil
	}
	if _, q := filterQuarterNumbers[w]; !q && allDigits(w) && filterQuarterWords[next(1)] {
		return 0, per, Errorf(EINVALID, "err.filter.unknown", "Word", p.words[i]+" "+p.words[i+1]) // «5 квартал»
	}
	// «30 дней», «последние 30 дней», "last 30 days".
	k := 0
	if filterLastWords[w] {
		k = 1
	}
	if d, err := strconv.Atoi(next(k)); err == nil && filterDayWords[next(k+1)] {
		switch {
		case d < 1 || d > 3660:
			return 0, per, Errorf(EINVALID, "err.filter.days", "Text", p.words[i+k])
		case d == 7:
			return k + 2, filterPeriod{rel: RelLast7}, nil
		case d == 30:
			return k + 2, filterPeriod{rel: RelLast30}, nil
		}
		today := civilOf(p.now)
		return k + 2, p.span(today.add(1-d), today.add(1)), nil
	}
	// «за 2 недели», «последние 3 месяца», "last 2 weeks".
	if d, err := strconv.Atoi(next(k)); err == nil && (filterWeekWords[next(k+1)] || filterMonthWords[next(k+1)]) {
		today := civilOf(p.now)
		switch {
		case d < 1 || d > 120:
			return 0, per, Errorf(EINVALID, "err.filter.days", "Text", p.words[i+k])
		case d == 1 && filterWeekWords[next(k+1)]:
			return k + 2, filterPeriod{rel: RelLast7}, nil
		case d == 1:
			return k + 2, filterPeriod{rel: RelLast30}, nil
		case filterWeekWords[next(k+1)]:
			return k + 2, p.span(today.add(1-7*d), today.add(1)), nil
		}
		return k + 2, p.span(today.addMonths(-d).add(1), today.add(1)), nil
	}
	if m := filterRangeRE.FindStringSubmatch(w); m != nil {
		from, err := p.date(m[1], i)
		if err != nil {
			return 0, per, err
		}
		to, err := p.date(m[2], i)
		if err != nil {
			return 0, per, err
		}
		return 1, p.span(from, to.add(1)), nil
	}
	if filterSinceWords[w] && i+1 < len(p.keys) {
		from, n, err := p.dateAt(i + 1)
		if err != nil {
			return 0, per, err
		}
		// «с ноября [по декабрь]»: from a month's first day, to a month's
		// last.
		if mo, ok := months[next(1)]; ok && n == 0 {
			first := p.monthStart(mo)
			if _, until := filterUntilWords[next(2)]; until {
				if last, ok := months[next(3)]; ok {
					end := civil{first.y, last, 1}
					if last < mo {
						end.y++
					}
					return 4, p.span(first, end.addMonths(1)), nil
				}
			}
			return 2, filterPeriod{from: p.at(first)}, nil
		}
		// «с 1 по 30 ноября»: the first day takes the last one's month.
		day, bare := dayOfMonth(next(1))
		if n == 0 && !bare {
			return 0, per, nil
		}
		if n == 0 {
			n = 1
		}
		j := i + 1 + n
		incl, until := false, false
		if j < len(p.keys) {
			incl, until = filterUntilWords[p.keys[j]]
			if filterDashWords[p.keys[j]] {
				incl, until = true, true
			}
		}
		if until && j+1 < len(p.keys) {
			to, m, err := p.dateAt(j + 1)
			if err != nil {
				return 0, per, err
			}
			if m > 0 {
				if from == (civil{}) {
					if from, bare = validDate(to.y, to.m, day); !bare {
						return 0, per, Errorf(EINVALID, "err.filter.date", "Text", p.words[i+1])
					}
				}
				if incl {
					to = to.add(1)
				}
				return j + 1 + m - i, p.span(from, to), nil
			}
		}
		if from == (civil{}) {
			return 0, per, nil
		}
		return 1 + n, filterPeriod{from: p.at(from)}, nil
	}
	if incl, ok := filterUntilWords[w]; ok && i+1 < len(p.keys) {
		to, n, err := p.dateAt(i + 1)
		if err != nil || n == 0 {
			return 0, per, err
		}
		if incl {
			to = to.add(1)
		}
		return 1 + n, filterPeriod{to: p.at(to)}, nil
	}
	if from, n, err := p.dateAt(i); err != nil || n > 0 {
		if err != nil {
			return 0, per, err
		}
		if j := i + n; j+1 < len(p.keys) && filterDashWords[p.keys[j]] {
			to, m, err := p.dateAt(j + 1)
			if err != nil {
				return 0, per, err
			}
			if m > 0 {
				return n + 1 + m, p.span(from, to.add(1)), nil
			}
		}
		return n, p.span(from, from.add(1)), nil
	}
	if m := filterMonthRE.FindStringSubmatch(w); m != nil {
		mo, y := m[1], m[2]
		if m[3] != "" {
			mo, y = m[4], m[3]
		}
		month, _ := strconv.Atoi(mo)
		year, _ := strconv.Atoi(y)
		if month < 1 || month > 12 {
			return 0, per, Errorf(EINVALID, "err.filter.date", "Text", p.words[i])
		}
		return 1, p.span(civil{year, time.Month(month), 1}, civil{year, time.Month(month), 1}.addMonths(1)), nil
	}
	if mo, ok := months[w]; ok {
		n := 1
		year := p.now.Year()
		if mo > p.now.Month() {
			year-- // «за декабрь» in November is last December's
		}
		if y, ok := filterYear(next(1)); ok {
			year, n = y, 2
			if filterYearWords[next(2)] {
				n = 3
			}
		}
		first := civil{year, mo, 1}
		return n, p.span(first, first.addMonths(1)), nil
	}
	if y, ok := filterYear(w); ok {
		n := 1
		if filterYearWords[next(1)] {
			n = 2
		}
		return n, p.span(civil{y, 1, 1}, civil{y + 1, 1, 1}), nil
	}
	return 0, per, nil
}

// quarterAt reads a quarter at the word i: «квартал» (this one), «прошлый
// квартал», «3 квартал [2026 года]», «III квартал», "Q4 2026". A quarter
// named by its number without a year is this year's, or last year's when
// it has not begun yet.
func (p *filterParser) quarterAt(i int) (n int, per filterPeriod, ok bool) {
	word := func(k int) string {
		if i+k < len(p.keys) {
			return p.keys[i+k]
		}
		return ""
	}
	this := (int(p.now.Month())-1)/3 + 1
	quarter := func(y, q int) filterPeriod {
		first := civil{y, time.Month(3*(q-1) + 1), 1}
		return p.span(first, first.addMonths(3))
	}
	switch {
	case filterQuarterWords[word(0)] && word(0) != "кв":
		return 1, quarter(p.now.Year(), this), true
	case filterThisWords[word(0)] && filterQuarterWords[word(1)]:
		return 2, quarter(p.now.Year(), this), true
	case filterPrevWords[word(0)] && filterQuarterWords[word(1)]:
		y, q := p.now.Year(), this-1
		if q == 0 {
			y, q = y-1, 4
		}
		return 2, quarter(y, q), true
	}
	q, ok := filterQuarterNumbers[word(0)]
	n = 2
	if m := filterQRE.FindStringSubmatch(word(0)); m != nil {
		q, _ = strconv.Atoi(m[1])
		ok, n = true, 1
	} else if !ok || !filterQuarterWords[word(1)] {
		return 0, per, false
	}
	y := p.now.Year()
	if q > this {
		y-- // «за 4 квартал» in the spring is last year's
	}
	if year, isYear := filterYear(word(n)); isYear {
		y = year
		n++
		if filterYearWords[word(n)] {
			n++
		}
	}
	return n, quarter(y, q), true
}

// monthStart is the first day of a month named without a year: this year's,
// or last year's when it is still to come («за декабрь» in November).
func (p *filterParser) monthStart(mo time.Month) civil {
	year := p.now.Year()
	if mo > p.now.Month() {
		year--
	}
	return civil{year, mo, 1}
}

// dateAt reads a date at the word i: 01.11.2026, 2026-11-01, or in words as
// /remind reads them: «1 ноября», «1 ноября 2026 года», "1 November". n is
// the words it took, 0 when no date starts there; a date's shape that is
// no date (31.11.2026, «31 ноября») is EINVALID err.filter.date.
func (p *filterParser) dateAt(i int) (c civil, n int, err error) {
	if i >= len(p.keys) {
		return civil{}, 0, nil
	}
	w := p.keys[i]
	if p.dateShaped(w) {
		c, err := p.date(w, i)
		if err != nil {
			return civil{}, 0, err
		}
		return c, 1, nil
	}
	d, ok := dayOfMonth(w)
	if !ok || i+1 >= len(p.keys) {
		return civil{}, 0, nil
	}
	mo, ok := months[p.keys[i+1]]
	if !ok {
		return civil{}, 0, nil
	}
	y, n := p.now.Year(), 2
	if i+2 < len(p.keys) {
		if year, isYear := filterYear(p.keys[i+2]); isYear {
			y, n = year, 3
			if i+3 < len(p.keys) && filterYearWords[p.keys[i+3]] {
				n = 4
			}
		}
	}
	if c, ok = validDate(y, mo, d); !ok {
		return civil{}, 0, Errorf(EINVALID, "err.filter.date", "Text", strings.Join(p.words[i:i+n], " "))
	}
	return c, n, nil
}

// filterYear reads a year of four digits, 2000 to 2099.
func filterYear(w string) (int, bool) {
	if len(w) != 4 || !allDigits(w) {
		return 0, false
	}
	y, _ := strconv.Atoi(w)
	return y, y >= 2000 && y <= 2099
}

// dateShaped reports whether a word is written as a date (it may still be
// no real date: 31.11.2026).
func (p *filterParser) dateShaped(w string) bool {
	return filterDotDateRE.MatchString(w) || filterISODateRE.MatchString(w)
}

// date reads a date word; EINVALID err.filter.date when it has a date's
// shape but is no date.
func (p *filterParser) date(w string, i int) (civil, error) {
	var y, m, d int
	if g := filterDotDateRE.FindStringSubmatch(w); g != nil {
		d, _ = strconv.Atoi(g[1])
		m, _ = strconv.Atoi(g[2])
		switch {
		case g[3] == "":
			y = p.now.Year()
		case len(g[3]) == 2:
			y, _ = strconv.Atoi(g[3])
			y += 2000
		default:
			y, _ = strconv.Atoi(g[3])
		}
	} else if g := filterISODateRE.FindStringSubmatch(w); g != nil {
		y, _ = strconv.Atoi(g[1])
		m, _ = strconv.Atoi(g[2])
		d, _ = strconv.Atoi(g[3])
	}
	c, ok := validDate(y, time.Month(m), d)
	if !ok || y < 1900 || y > 2999 {
		text := w
		if i < len(p.words) {
			text = p.words[i]
		}
		return civil{}, Errorf(EINVALID, "err.filter.date", "Text", text)
	}
	return c, nil
}

// at is the midnight that starts a day, in the parser's zone.
func (p *filterParser) at(c civil) time.Time { return time.Date(c.y, c.m, c.d, 0, 0, 0, 0, p.loc) }

// span is the period [from, to) of days.
func (p *filterParser) span(from, to civil) filterPeriod {
	return filterPeriod{from: p.at(from), to: p.at(to)}
}

// stageWordsByName are the words a stage is typed as besides its code: the
// locales' names and the words people use, folded (filterFoldPhrase).
var stageWordsByName = map[string]Stage{
	"новая": StageNew, "новые": StageNew, "новых": StageNew, "новой": StageNew, "новую": StageNew,
	"проверка": StageVerification, "проверке": StageVerification, "проверки": StageVerification,
	"проверку":  StageVerification,
	"документы": StageDocuments, "документах": StageDocuments, "документов": StageDocuments,
	"согласование": StageApproval, "согласовании": StageApproval, "согласования": StageApproval,
	"подписание": StageSigning, "подписании": StageSigning, "подписания": StageSigning,
	"действует": StageActive, "действуют": StageActive, "действующие": StageActive, "действующая": StageActive,
	"закрыта успех": StageClosedWon, "успех": StageClosedWon, "успешно": StageClosedWon, "выиграна": StageClosedWon,
	"выигранные": StageClosedWon, "won": StageClosedWon, "closed won": StageClosedWon,
	"closed successfully": StageClosedWon,
	"закрыта отказ":       StageClosedLost, "отказ": StageClosedLost, "проиграна": StageClosedLost,
	"проигранные": StageClosedLost, "lost": StageClosedLost, "closed lost": StageClosedLost,
	"closed refused": StageClosedLost,
}

// ParseStage reads a deal's stage by its code (signing) or its name in
// Russian or English («подписание», «закрыта (успех)», "won"), in any
// case.
func ParseStage(s string) (Stage, bool) {
	key := filterFoldPhrase(s)
	if st := Stage(strings.ReplaceAll(key, " ", "_")); st.Valid() {
		return st, true
	}
	st, ok := stageWordsByName[key]
	return st, ok
}
