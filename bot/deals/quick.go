package deals

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// The one-message form of a new deal (msg.deal.usage has it for users):
//
//	/deal new <client> <title> <amount> [signing <date>] [payment <date>] [end <date>]
//
//   - client: the first word, an INN or a part of the name; a name of
//     several words is quoted ("…", «…», „…“, “…”);
//   - amount: the number at the end of what is left, written as the amount
//     step takes it: «1 500 000», «1500000», «1 500 000,50», «1,500,000.50»,
//     a ruble mark before or after (a minus too, to be refused with the
//     rule that amounts are positive). Spaced thousands are taken from the
//     right, 3-digit groups and a head of 1–3 digits, so «Поставка 20
//     станков 1 500 000» is 1 500 000 ₽ of «Поставка 20 станков»; a title
//     that itself ends with a number is quoted: «"Поставка 20" 500 000»;
//   - title: what lies between them;
//   - dates: a keyword (подписание/signing, оплата/payment, окончание/end)
//     and a deadline in any form the date steps take (core.ParseDeadline):
//     15.12.2026, 15.12, 2026-12-15, завтра, +5, «до пятницы», «в
//     пятницу», «через 3 дня», «by Friday», «in a week», each optionally
//     with a time («завтра в 12:00»); they come after the amount, in any
//     order. The longest phrase after a keyword that reads as a deadline
//     is taken. A keyword followed by something date-shaped that is no
//     date («32.13.2026») keeps it, to be refused with the rule; a keyword
//     followed by no date is a word of the title («Оплата услуг связи»).

// quickDealText is what the one-message form gave, as typed.
type quickDealText struct {
	client, title, amount string
	dates                 map[string]string // field → date (and time) as typed
}

// dateKeywords are the words that name a deal's dates, in both languages.
var dateKeywords = map[string]string{
	"подписание": "signing_due", "signing": "signing_due",
	"оплата": "payment_due", "payment": "payment_due",
	"окончание": "contract_end", "end": "contract_end",
}

var (
	dateTokenRE  = regexp.MustCompile(`^(\d{1,2}\.\d{1,2}(\.\d{2}|\.\d{4})?|\d{4}-\d{1,2}-\d{1,2}|\+\d+)$`)
	timeTokenRE  = regexp.MustCompile(`^\d{1,2}:\d{2}$`)
	amountLastRE = regexp.MustCompile(`^[-−–]?₽?\d[\d.,]*(₽|р\.?|руб\.?|rub\.?)?$`)
	groupRE      = regexp.MustCompile(`^\d{3}([.,]\d{1,2})?(₽|р\.?|руб\.?|rub\.?)?$`)
	groupMidRE   = regexp.MustCompile(`^\d{3}$`)
	groupHeadRE  = regexp.MustCompile(`^[-−–]?₽?\d{1,3}$`)
	currencyRE   = regexp.MustCompile(`^(?i)(₽|р\.?|руб\.?|rub\.?|rur)$`)
)

// word is a word of the command, or a quoted phrase as one word.
type word struct {
	text   string // without its quotes
	raw    string // as typed
	quoted bool
}

var closingQuote = map[rune]rune{'"': '"', '«': '»', '„': '“', '“': '”'}

// splitWords splits s at spaces, keeping a quoted phrase as one word; an
// unclosed quote runs to the end.
func splitWords(s string) []word {
	var out []word
	rs := []rune(s)
	for i := 0; i < len(rs); {
		if strings.ContainsRune(" \t\n\u00a0", rs[i]) {
			i++
			continue
		}
		if cl, ok := closingQuote[rs[i]]; ok {
			j := i + 1
			for j < len(rs) && rs[j] != cl {
				j++
			}
			text := strings.TrimSpace(string(rs[i+1 : min(j, len(rs))]))
			end := min(j+1, len(rs))
			out = append(out, word{text: text, raw: string(rs[i:end]), quoted: true})
			i = end
			continue
		}
		j := i
		for j < len(rs) && !strings.ContainsRune(" \t\n\u00a0", rs[j]) {
			j++
		}
		w := string(rs[i:j])
		out = append(out, word{text: w, raw: w})
		i = j
	}
	return out
}

// parseQuickDeal reads the one-message form (after "/deal new"). Only its
// grammar is checked here: an unknown word among the dates, or a date
// given twice, is EINVALID; the values are checked as the steps check them.
func parseQuickDeal(s string) (quickDealText, error) {
	q := quickDealText{dates: map[string]string{}}
	ws := splitWords(s)
	if len(ws) == 0 {
		return q, nil
	}
	q.client, ws = ws[0].text, ws[1:]
	// The dates: from the first keyword followed by a date, pairs to the end.
	start := len(ws)
	for i := range ws {
		if _, _, n := dateAt(ws, i); n > 0 {
			start = i
			break
		}
	}
	for i := start; i < len(ws); {
		field, date, n := dateAt(ws, i)
		if n == 0 {
			return q, core.Errorf(core.EINVALID, "err.deal.quick.extra", "Text", joinRaw(ws[i:]))
		}
		if _, twice := q.dates[field]; twice {
			return q, core.Errorf(core.EINVALID, "err.deal.quick.twice", "Keyword", ws[i].text)
		}
		q.dates[field] = date
		i += n
	}
	ws = ws[:start]
	// The amount: at the end of the rest; the title: before it.
	k := amountStart(ws)
	q.amount = joinText(ws[k:])
	if k == 1 && ws[0].quoted {
		q.title = ws[0].text
	} else {
		q.title = joinRaw(ws[:k])
	}
	return q, nil
}

// maxDateWords is the most words a deadline after a keyword takes: «до
// 15.12.2026 в 12:00», «через 3 дня в 9:00».
const maxDateWords = 5

// shapeNow is any moment: whether words read as a deadline does not depend
// on the day they are read (quickDeal reads them again at c.Now()).
var shapeNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// dateAt reports whether a date keyword with its date starts at ws[i]: the
// field it names, the date as typed (with its preposition and time) and
// how many words it all takes (0 when no date starts there). The date is
// the longest phrase after the keyword, up to the next keyword or quoted
// word, that core.ParseDeadline reads; failing that, a date-shaped word
// (perhaps after «до»/"by", perhaps with a time) that it cannot read, so
// that the date step refuses it with the rule.
func dateAt(ws []word, i int) (field, date string, n int) {
	if ws[i].quoted {
		return "", "", 0
	}
	field, ok := dateKeywords[strings.ToLower(strings.TrimSuffix(ws[i].text, ":"))]
	if !ok {
		return "", "", 0
	}
	end := i + 1
	for end < len(ws) && end-i-1 < maxDateWords && !ws[end].quoted && !isKeyword(ws[end]) {
		end++
	}
	for j := end; j > i+1; j-- {
		text := joinText(ws[i+1 : j])
		if _, _, err := core.ParseDeadline(text, shapeNow, time.UTC); err == nil {
			return field, text, j - i
		}
	}
	j := i + 1
	if j < len(ws) && !ws[j].quoted && (strings.EqualFold(ws[j].text, "до") || strings.EqualFold(ws[j].text, "by")) {
		j++
	}
	if j >= len(ws) || ws[j].quoted || !dateTokenRE.MatchString(strings.ToLower(ws[j].text)) {
		return "", "", 0
	}
	date = ws[j].text
	j++
	if j < len(ws) && !ws[j].quoted && timeTokenRE.MatchString(ws[j].text) {
		date += " " + ws[j].text
		j++
	}
	return field, date, j - i
}

// isKeyword reports whether a word names one of a deal's dates.
func isKeyword(w word) bool {
	_, ok := dateKeywords[strings.ToLower(strings.TrimSuffix(w.text, ":"))]
	return ok && !w.quoted
}

// amountStart returns where the amount begins at the end of ws (len(ws)
// when there is none).
func amountStart(ws []word) int {
	k := len(ws)
	if k > 0 && !ws[k-1].quoted && currencyRE.MatchString(ws[k-1].text) {
		k--
	}
	if k == 0 || ws[k-1].quoted || !amountLastRE.MatchString(strings.ToLower(ws[k-1].text)) {
		return len(ws)
	}
	k--
	if !groupRE.MatchString(strings.ToLower(ws[k].text)) {
		return k
	}
	// Spaced thousands: 3-digit groups, then a head of 1-3 digits.
	for k > 0 && !ws[k-1].quoted && groupMidRE.MatchString(ws[k-1].text) {
		k--
	}
	if k > 0 && !ws[k-1].quoted && groupHeadRE.MatchString(ws[k-1].text) {
		k--
	}
	return k
}

func joinRaw(ws []word) string {
	var parts []string
	for _, w := range ws {
		parts = append(parts, w.raw)
	}
	return strings.Join(parts, " ")
}

func joinText(ws []word) string {
	var parts []string
	for _, w := range ws {
		parts = append(parts, w.text)
	}
	return strings.Join(parts, " ")
}

// quickDeal starts the new deal dialog from the one-message form: what it
// gives is checked as the steps check it; whatever is wrong is said, and
// only what is missing or wrong of the client, title and amount (and a
// manager, when one must be chosen) or a wrong date is asked before the
// confirmation. Dates it does not give are not asked.
func quickDeal(c *bot.Context, args string) error {
	q, err := parseQuickDeal(args)
	if err != nil {
		return err
	}
	data := map[string]string{dataQuick: "1", dataClientQuery: q.client}
	var problems []error
	if q.title != "" {
		if err := core.ValidateTitle(q.title); err != nil {
			problems = append(problems, err)
		} else {
			data["title"] = strings.TrimSpace(q.title)
		}
	}
	if q.amount != "" {
		if m, err := parseAmount(c, q.amount); err != nil {
			problems = append(problems, err)
		} else {
			data["amount"] = strconv.FormatInt(int64(m), 10)
		}
	}
	now := c.Now()
	for _, f := range dateFields {
		text, ok := q.dates[f]
		if !ok {
			continue
		}
		t, defaulted, err := core.ParseDeadline(text, now, c.P.Location())
		if err == nil {
			err = core.ValidateDeadline(t, now)
		}
		if err == nil && f == "contract_end" {
			signing, _ := time.Parse(time.RFC3339, data["signing_due"])
			err = core.ValidateContractEnd(signing, t)
		}
		if err != nil {
			problems = append(problems, err)
			data[dataRedo+f] = "1"
			continue
		}
		data[f] = t.Format(time.RFC3339)
		if defaulted {
			data[f+"_default"] = "1"
		}
	}
	for _, p := range problems {
		key, args := core.ErrorKey(p)
		if err := c.Reply(key, args); err != nil {
			return err
		}
	}
	return c.Start("deal.new", data)
}
