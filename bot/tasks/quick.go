package tasks

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/cards"
	"github.com/dealdesk/dealdesk/core"
)

// quickTask starts a new task from one message:
//
//	/task new <what to do> [deadline] [deal number | client's INN or name]
//
// The deadline is a phrase at the end or the start of the text, as
// core.CutDeadline reads it («до завтра 12:00», «до 15.12.2026», «в
// пятницу», «сегодня 18:00», «by Friday», a date alone at the end:
// «15.12.2026», «15.12» — but not after «от», «за», «№»: «платёж от
// 01.12.2026» keeps its date); the deal number (D-2026-0001) may stand
// anywhere, an INN first or last. Words after a deadline that end the
// message name the client when they find a card («Отправить КП 15.12
// ромашка»); otherwise they stay in the title. What the message holds fills
// its steps of the dialog, which asks only the rest: a part that is wrong
// (a past or impossible date, an unknown deal) is said and its step asked.
// A user who may not assign tasks gets the task at once when nothing is
// missing; others are asked whom to give it to, as step by step.
func quickTask(c *bot.Context, text string) error {
	data := map[string]string{}
	var wrong []error
	words := strings.Fields(text)
	ref, words := cutRef(words)
	now := c.Now()
	if ref == "" {
		ref, words = cutNameRef(c, words)
	}
	rest, dl, found, err := core.CutDeadline(strings.Join(words, " "), now, c.P.Location())
	if err == nil && found {
		err = core.ValidateDeadline(dl.At, now)
	}
	switch {
	case err != nil:
		wrong = append(wrong, err)
	case found:
		data["due"] = dl.At.Format(time.RFC3339)
		if dl.Defaulted {
			data["due_default"] = "1"
		}
	}
	if rest != "" {
		if err := core.ValidateTitle(rest); err != nil {
			wrong = append(wrong, err)
		} else {
			data["title"] = rest
		}
	}
	about, err := quickRef(c, ref, data)
	if core.ErrorCode(err) == core.EINVALID {
		wrong = append(wrong, err)
	} else if err != nil {
		return err
	}
	// Say what was taken when a question follows, so that the user sees
	// the message was read and what is left.
	asks := nextOf(data, "") != "assignee" || asksAssignee(c)
	if asks && (data["title"] != "" || data["due"] != "" || about != nil) {
		args := bot.Args{"Title": data["title"], "Default": data["due_default"] != ""}
		if found && data["due"] != "" {
			args["Due"] = dl.At
		}
		for k, v := range about {
			args[k] = v
		}
		if err := c.Reply("msg.task.understood", args); err != nil {
			return err
		}
	}
	for _, err := range wrong {
		key, args := core.ErrorKey(err)
		if err := c.Reply(key, args); err != nil {
			return err
		}
	}
	return c.Start("task.new", data)
}

// cutRef takes the deal number (anywhere) or the client's INN (the first
// or the last word) out of the words.
func cutRef(words []string) (string, []string) {
	for i, w := range words {
		if _, ok := core.ParseDealNumber(trimWord(w)); ok {
			return trimWord(w), slices.Delete(slices.Clone(words), i, i+1)
		}
	}
	if len(words) < 2 {
		return "", words
	}
	for _, i := range []int{len(words) - 1, 0} {
		if w := trimWord(words[i]); cards.INNShaped(w) {
			return w, slices.Delete(slices.Clone(words), i, i+1)
		}
	}
	return "", words
}

// maxNameWords is the most words of a client's name after the deadline.
const maxNameWords = 3

// cutNameRef takes a client's name from the end of the words when it
// follows a deadline and finds a card: «Отправить КП 15.12 ромашка»,
// «Позвонить до пятницы ООО Ромашка». The text without the name must end
// with the deadline, so that «Позвонить 15.12 насчёт оплаты» (which finds no
// card) is left as it is.
func cutNameRef(c *bot.Context, words []string) (string, []string) {
	if _, _, found, _ := core.CutDeadline(strings.Join(words, " "), c.Now(), c.P.Location()); found {
		return "", words // the deadline ends or starts the text: no name after it
	}
	for n := 1; n <= maxNameWords && n < len(words); n++ {
		head := strings.Join(words[:len(words)-n], " ")
		rest, d, found, err := core.CutDeadline(head, c.Now(), c.P.Location())
		if !found || err != nil || strings.TrimSpace(rest+" "+d.Text) != head {
			continue // no deadline right before these words
		}
		name := strings.Join(words[len(words)-n:], " ")
		if cs, err := cards.LookupClients(c, trimWord(name), 1); err == nil && len(cs) > 0 {
			return trimWord(name), slices.Clone(words[:len(words)-n])
		}
	}
	return "", words
}

// trimWord drops the punctuation a sentence puts around a word.
func trimWord(w string) string { return strings.Trim(w, ",.;:!?()«»\"") }

// quickRef finds the deal or the client named in a one-message task and
// fills the data; it returns what to tell the user it found. A name that
// finds nothing, or several cards of an INN, leaves the deal step to ask
// (with the cards as buttons). A wrong reference is EINVALID.
func quickRef(c *bot.Context, ref string, data map[string]string) (bot.Args, error) {
	if ref == "" {
		return nil, nil
	}
	if _, ok := core.ParseDealNumber(ref); ok {
		d, err := c.Svc.FindDealByNumber(c.Ctx(), c.Actor(), ref)
		if err != nil {
			return nil, bot.AsInvalid(err)
		}
		data["deal_id"] = strconv.FormatInt(d.ID, 10)
		return bot.Args{"Deal": d.Number + " " + core.QuoteName(d.Title)}, nil
	}
	cs, err := cards.LookupClients(c, ref, 2*maxChoices)
	if err != nil {
		return nil, bot.AsInvalid(err)
	}
	switch w := cards.Working(cs); len(w) {
	case 0:
		return nil, cards.MergedError(c, cs[0])
	case 1:
		data["client_id"] = strconv.FormatInt(w[0].ID, 10)
		return bot.Args{"Client": w[0].Name() + ", " + w[0].INN + cards.KPPSuffix(w[0].KPP)}, nil
	}
	data["client_query"] = ref // head office and branches, or several names: the deal step offers them
	return nil, nil
}
