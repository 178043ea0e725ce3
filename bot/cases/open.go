package cases

import (
	"slices"
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/cards"
	"github.com/dealdesk/dealdesk/core"
)

// subject is the deal or card a case is about, as typed: found, or a name
// (query) that found several cards to choose from.
type subject struct {
	ref     core.CaseRef
	label   string // "D-2026-0001 «Поставка»" or "ООО «Ромашка», 7707083893", in the user's language
	query   string
	choices []*core.Client
}

// maxSubjectWords is the most words of a client's name typed unquoted.
const maxSubjectWords = 3

// maxChoices is how many cards a name offers to choose from.
const maxChoices = 8

// readSubject reads the deal or card the words start with: a deal number,
// an INN, a quoted name («Ромашка Плюс») or the longest run of up to three
// words that finds cards; it returns the words after it.
func readSubject(c *bot.Context, words []string) (subject, []string, error) {
	if len(words) == 0 {
		return subject{}, nil, core.Errorf(core.EINVALID, "err.case.subject_required")
	}
	if num, ok := core.ParseDealNumber(trimWord(words[0])); ok {
		d, err := c.Svc.FindDealByNumber(c.Ctx(), c.Actor(), num)
		if err != nil {
			return subject{}, nil, err
		}
		return dealSubject(c, d), words[1:], nil
	}
	if name, n, ok := quoted(words); ok {
		s, err := clientSubject(c, name)
		return s, words[n:], err
	}
	for n := min(maxSubjectWords, len(words)); ; n-- {
		s, err := clientSubject(c, trimWord(strings.Join(words[:n], " ")))
		if err == nil || n == 1 {
			return s, words[n:], err // the first word's own error says what it did not find
		}
		if code := core.ErrorCode(err); code != core.ENOTFOUND && code != core.EINVALID {
			return subject{}, nil, err
		}
	}
}

// quoted reads a name in quotes at the start of the words: «…», "…" or
// “…”; n is how many words it took.
func quoted(words []string) (name string, n int, ok bool) {
	open := []rune(words[0])[0]
	closing := map[rune]rune{'«': '»', '"': '"', '“': '”'}[open]
	if closing == 0 {
		return "", 0, false
	}
	for i, w := range words {
		r := []rune(w)
		if (i > 0 || len(r) > 1) && r[len(r)-1] == closing {
			s := strings.Join(words[:i+1], " ")
			return strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(s, string(open)), string(closing))), i + 1, true
		}
	}
	return "", 0, false
}

// trimWord drops the punctuation a sentence puts around a word.
func trimWord(w string) string { return strings.Trim(w, ",.;:!?()") }

// dealSubject is a deal as a case's subject, labelled in the user's
// language with its quotes (a title that has its own stays as it is).
func dealSubject(c *bot.Context, d *core.Deal) subject {
	return subject{ref: core.CaseRef{DealID: d.ID}, label: c.T("msg.case.subject_deal",
		bot.Args{"Number": d.Number, "Title": d.Title, "Quoted": core.QuoteName(d.Title) == strings.TrimSpace(d.Title)})}
}

// cardSubject is a card as a case's subject: its name and INN/KPP.
func cardSubject(c *bot.Context, cl *core.Client) subject {
	return subject{ref: core.CaseRef{ClientID: cl.ID}, label: c.T("msg.case.subject_client",
		bot.Args{"Client": cl.Name(), "INN": cl.INN + cards.KPPSuffix(cl.KPP)})}
}

// clientSubject finds the card an INN or a name means: one card, or
// several to choose from (an INN's head office and branches, a name of
// several clients); a card merged into another is refused, naming the one
// that stays.
func clientSubject(c *bot.Context, query string) (subject, error) {
	cs, err := cards.LookupClients(c, query, 2*maxChoices)
	if err != nil {
		return subject{}, err
	}
	var working []*core.Client
	for _, cl := range cs {
		if cl.MergedInto == 0 {
			working = append(working, cl)
		}
	}
	switch len(working) {
	case 0:
		return subject{}, cards.MergedError(c, cs[0])
	case 1:
		return cardSubject(c, working[0]), nil
	}
	return subject{query: query, choices: working[:min(len(working), maxChoices)]}, nil
}

// extras are those asked to join a case: «+юрист», «+андеррайтер» (any of
// core.CaseRoles, in either language) and «+Петров».
type extras struct {
	roles []core.Role
	names []string
}

// cutExtras takes the words that start with '+' out of the words.
func cutExtras(words []string) (extras, []string) {
	var x extras
	var rest []string
	for _, w := range words {
		tok := trimWord(strings.TrimPrefix(w, "+"))
		if !strings.HasPrefix(w, "+") || tok == "" {
			rest = append(rest, w)
			continue
		}
		if r, err := core.ParseRole(tok); err == nil && isRole(r) {
			x.roles = append(x.roles, r)
			continue
		}
		x.names = append(x.names, tok)
	}
	return x, rest
}

func isRole(r core.Role) bool { return slices.Contains(core.CaseRoles, r) }

// put stores the extras in a dialog's data.
func (x extras) put(data map[string]string) {
	var roles []string
	for _, r := range x.roles {
		roles = append(roles, string(r))
	}
	data["roles"] = strings.Join(roles, ",")
	data["names"] = strings.Join(x.names, "\n")
}

// extrasOf reads the extras a dialog's data holds.
func extrasOf(data map[string]string) extras {
	var x extras
	for _, r := range strings.Split(data["roles"], ",") {
		if r != "" {
			x.roles = append(x.roles, core.Role(r))
		}
	}
	for _, n := range strings.Split(data["names"], "\n") {
		if n != "" {
			x.names = append(x.names, n)
		}
	}
	return x
}

// quickOpen opens a case from one message, «/case <deal, INN or name>
// <topic> [+юрист] [+андеррайтер] [+Фамилия]», asking only what is
// missing: the card, when a name finds several, and the topic.
func quickOpen(c *bot.Context, args string) error {
	x, words := cutExtras(strings.Fields(args))
	subj, rest, err := readSubject(c, words)
	if err != nil {
		return err
	}
	if err := checkChat(c); err != nil {
		return err
	}
	data := map[string]string{"topic": strings.Join(rest, " ")}
	x.put(data)
	subj.put(data)
	if subj.query != "" || data["topic"] == "" {
		return c.Start("case.open", data)
	}
	return open(c, data)
}

// put stores the subject in a dialog's data.
func (s subject) put(data map[string]string) {
	if s.ref.DealID != 0 {
		data["deal_id"] = strconv.FormatInt(s.ref.DealID, 10)
	}
	if s.ref.ClientID != 0 {
		data["client_id"] = strconv.FormatInt(s.ref.ClientID, 10)
	}
	data["subject"], data["query"] = s.label, s.query
}

// checkChat refuses, before anything is asked, to open a case where none
// could open: a private chat on a platform with no work chat, a group that
// is not a work chat, a chat that keeps another case in itself.
func checkChat(c *bot.Context) error {
	u := c.Update
	return c.Svc.CheckCaseChat(c.Ctx(), c.Actor(), u.Platform, u.ChatID, c.Private())
}

// openAction opens a case from a deal's or a card's button (payload
// "deal:5" or "client:12"): it asks the topic, once it is known that the
// case can open from here.
func openAction(c *bot.Context) error {
	kind, idText, _ := strings.Cut(c.Button.Payload, ":")
	id, err := bot.ParseID(idText, "err.button.expired")
	if err != nil {
		return err
	}
	var subj subject
	switch kind {
	case "deal":
		d, err := c.Svc.DealByID(c.Ctx(), c.Actor(), id)
		if err != nil {
			return err
		}
		subj = dealSubject(c, d)
	case "client":
		cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), id)
		if err != nil {
			return err
		}
		if cl.MergedInto != 0 {
			return cards.MergedError(c, cl)
		}
		subj = cardSubject(c, cl)
	default:
		return core.Errorf(core.EINVALID, "err.button.expired")
	}
	if err := checkChat(c); err != nil {
		return err
	}
	data := map[string]string{}
	subj.put(data)
	return c.Start("case.open", data)
}

// openFlow asks what a case needs and was not said: the card among those
// a name found, then the topic (with those asked to join).
func openFlow() *bot.Flow {
	return &bot.Flow{Name: "case.open", First: "start", Perm: core.PermTasks, Steps: map[string]*bot.Step{
		"start": {Prompt: func(c *bot.Context) error { return c.Goto(nextStep(c)) },
			Input: func(c *bot.Context, _ string) (string, error) { return nextStep(c), nil }},
		"pick": {Prompt: pickPrompt, Input: pickInput},
		"topic": {Prompt: func(c *bot.Context) error {
			return c.Reply("flow.case.topic", bot.Args{"Subject": c.Conv.Data["subject"]})
		}, Input: topicInput},
	}}
}

// nextStep is the step that asks what is still missing.
func nextStep(c *bot.Context) string {
	if c.Conv.Data["deal_id"] == "" && c.Conv.Data["client_id"] == "" {
		return "pick"
	}
	return "topic"
}

func pickPrompt(c *bot.Context) error {
	query := c.Conv.Data["query"]
	cs, err := cards.LookupClients(c, query, 2*maxChoices)
	if err != nil {
		return err
	}
	return c.Reply("flow.case.pick", bot.Args{"Query": query}, cards.ClientChoices(cards.Working(cs), "", maxChoices)...)
}

// pickInput takes the card chosen by its button, or an INN or name typed
// instead that finds one card.
func pickInput(c *bot.Context, s string) (string, error) {
	if id, err := strconv.ParseInt(s, 10, 64); err == nil && !cards.INNShaped(s) {
		cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), id)
		if err != nil {
			return "", bot.AsInvalid(err)
		}
		cardSubject(c, cl).put(c.Conv.Data)
		return nextStep(c), nil
	}
	subj, err := clientSubject(c, s)
	if err != nil {
		return "", bot.AsInvalid(err)
	}
	if subj.query != "" {
		c.Conv.Data["query"] = subj.query
		return "pick", nil
	}
	subj.put(c.Conv.Data)
	return nextStep(c), nil
}

// topicInput takes the topic, with those asked to join, and opens the
// case.
func topicInput(c *bot.Context, s string) (string, error) {
	x, words := cutExtras(strings.Fields(s))
	if len(words) == 0 {
		return "", core.Errorf(core.EINVALID, "err.case.topic_required")
	}
	c.Conv.Data["topic"] = strings.Join(words, " ")
	prev := extrasOf(c.Conv.Data)
	prev.roles, prev.names = append(prev.roles, x.roles...), append(prev.names, x.names...)
	prev.put(c.Conv.Data)
	if err := open(c, c.Conv.Data); err != nil {
		if key, _ := core.ErrorKey(err); !retyped(key) {
			_ = c.Finish() // asking the topic again cannot help
		}
		return "", err
	}
	return "", nil
}

// retyped reports whether an error of opening is about what the topic's
// answer said (the topic, those asked to join), so that it is asked again.
func retyped(key string) bool {
	return slices.Contains([]string{"err.case.topic_required", "err.case.topic_long", "err.case.person_unknown",
		"err.case.person_ambiguous", "err.case.person_no_access", "err.case.role", "err.case.role_nobody"}, key)
}

// open opens the case the data describes and says where it goes on; a
// dialog that asked for it is finished with it.
func open(c *bot.Context, data map[string]string) error {
	x := extrasOf(data)
	in := core.CaseOpening{Topic: data["topic"], Platform: c.Update.Platform, ChatID: c.Update.ChatID,
		Private: c.Private(), Roles: x.roles, Names: x.names, Title: threadTitle(c)}
	in.Ref.DealID, _ = strconv.ParseInt(data["deal_id"], 10, 64)
	in.Ref.ClientID, _ = strconv.ParseInt(data["client_id"], 10, 64)
	cs, err := c.Svc.OpenCase(c.Ctx(), c.Actor(), in)
	if err != nil {
		return err
	}
	if c.Conv != nil {
		if err := c.Finish(); err != nil {
			return err
		}
	}
	args := bot.Args{"ID": cs.ID, "Topic": cs.Topic, "Subject": data["subject"]}
	if cs.Platform == c.Update.Platform && cs.ChatID == c.Update.ChatID {
		return c.Reply("msg.case.opened_here", args)
	}
	if wc, err := c.Svc.WorkChat(c.Ctx(), cs.Platform, cs.ChatID); err == nil {
		args["Chat"] = wc.Title
	}
	return c.Reply("msg.case.opened_in", args)
}

// threadTitle names a case's thread in the chat's language: «Кейс #3:
// Спорный пункт — D-2026-0001».
func threadTitle(c *bot.Context) func(core.CaseTitle) string {
	return func(t core.CaseTitle) string {
		return c.Printer(t.Locale, nil).T("msg.case.thread_title", bot.Args{"ID": t.ID, "Topic": t.Topic, "Deal": t.Deal,
			"Client": t.Client})
	}
}
