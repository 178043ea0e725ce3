package locales_test

import (
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/dealdesk/dealdesk/locales"
)

// gender is the grammatical gender (or number) of a Russian noun, by the
// ending its short participles and past-tense verbs take: «сделка создана»,
// «обращение закрыто», «клиент найден», «счета заблокированы».
type gender string

const (
	masculine gender = ""
	feminine  gender = "а"
	neuter    gender = "о"
	plural    gender = "ы"
)

// nouns are the nouns DealDesk's messages put with a participle or a verb.
var nouns = map[string]gender{
	"обращение": neuter, "приглашение": neuter, "уведомление": neuter, "сообщение": neuter, "задание": neuter,
	"изменение": neuter, "действие": neuter,
	"сделка": feminine, "задача": feminine, "карточка": feminine, "роль": feminine, "учётная запись": feminine,
	"кнопка": feminine, "команда": feminine, "привязка": feminine, "сумма": feminine, "проверка": feminine,
	"клиент": masculine, "чат": masculine, "дубль": masculine, "пользователь": masculine, "диалог": masculine,
	"код приглашения": masculine, "номер сделки": masculine, "инн": masculine, "кпп": masculine, "огрн": masculine,
	"статус": masculine, "срок": masculine, "реестр": masculine, "контрагент": masculine,
	"счета": plural, "изменения": plural,
}

// agreeing finds a noun (with the client, deal or task it belongs to)
// followed, past what names it (#{{.ID}}, {{.Number}}, «{{.Title}}», a
// name), by a short participle, a short adjective or a past-tense verb.
var agreeing = regexp.MustCompile(`(?i)(?:^|[^\p{L}])(` + nounAlternation() + `)(?:\s+(?:клиента|сделки|задачи))?` +
	`((?:\s*(?:#?\{\{[^}]*\}\}|«[^»]*»|\([^)]*\)))*)` +
	`\s+(?:уже\s+|ещё\s+|не\s+|снова\s+|только\s+)*` +
	`(\p{L}+(?:ан|ян|ен|ён|ыт|ят|ал|ял|ел|ил|ыл|ул|ёл)(?:а|о|ы|и)?)(?:[^\p{L}]|$)`)

func nounAlternation() string {
	var ns []string
	for n := range nouns {
		ns = append(ns, regexp.QuoteMeta(n))
	}
	// Longer first, so that «код приглашения» wins over «приглашения».
	slices.SortFunc(ns, func(a, b string) int { return len(b) - len(a) })
	return strings.Join(ns, "|")
}

// genderOf is the gender a participle or past-tense verb agrees with.
func genderOf(word string) gender {
	switch {
	case strings.HasSuffix(word, "а"):
		return feminine
	case strings.HasSuffix(word, "о"):
		return neuter
	case strings.HasSuffix(word, "ы"), strings.HasSuffix(word, "и"):
		return plural
	}
	return masculine
}

// ruMessages returns every Russian message text by key, each plural form
// under its own key ("key.few").
func ruMessages(t *testing.T) map[string]string {
	t.Helper()
	names, err := filepath.Glob("*.ru.toml")
	if err != nil || len(names) == 0 {
		t.Fatalf("no Russian message files: %v", err)
	}
	out := map[string]string{}
	for _, name := range names {
		var m map[string]any
		if _, err := toml.DecodeFile(name, &m); err != nil {
			t.Fatal(err)
		}
		for k, v := range m {
			switch x := v.(type) {
			case string:
				out[k] = x
			case map[string]any:
				for form, s := range x {
					out[k+"."+form], _ = s.(string)
				}
			}
		}
	}
	return out
}

// TestRussianAgreement: in every Russian message a noun and the participle
// or verb that says what happened to it agree in gender and number
// («Обращение #1 уже закрыто», not «закрыта»).
func TestRussianAgreement(t *testing.T) {
	checked := 0
	for key, text := range ruMessages(t) {
		for _, m := range agreeing.FindAllStringSubmatch(text, -1) {
			noun, word := strings.ToLower(m[1]), strings.ToLower(m[3])
			checked++
			if want := nouns[noun]; genderOf(word) != want {
				t.Errorf("%s: «%s … %s» does not agree: %q", key, m[1], m[3], text)
			}
		}
	}
	if checked < 20 {
		t.Fatalf("only %d noun–participle pairs found: the pattern misses them", checked)
	}
}

// TestRussianAgreementRendered renders the messages whose agreement was
// wrong (among them the reasons that stand beside a task in the history)
// and checks the agreeing forms.
func TestRussianAgreementRendered(t *testing.T) {
	p := locales.MustLoad().Printer("ru", time.UTC)
	for _, tc := range []struct {
		key  string
		args map[string]any
		want string
	}{
		{"err.intake.closed", map[string]any{"ID": 1}, "Обращение #1 уже закрыто."},
		// A task is taken into work («задача … взята»).
		{"reason.taken", nil, "взята в работу"},
		{"risk.recently_registered", nil, "недавняя регистрация"},
		// History lines put a field after «клиент …»: nouns and values that
		// agree with them, not a participle of the card.
		{"field.client.merged_into", nil, "основная карточка"},
		{"field.client.verification", nil, "проверка по реестру"},
		{"verification.unverified", nil, "не проводилась"},
		{"verification.verified", nil, "пройдена"},
		// People are named as authors and senders, whatever their gender.
		{"notify.intake.new", map[string]any{"ID": 3, "INN": "7707083893", "By": "Ольга"}, "Отправитель: Ольга."},
		{"notify.task.assigned", map[string]any{"ID": 3, "Title": "Позвонить", "By": "Ольга"}, "Автор: Ольга."},
		{"notify.deal.created", map[string]any{"Number": "D-2026-0001", "Title": "Лизинг", "Client": "ООО «Ромашка»",
			"INN": "7707083893", "Amount": 100, "By": "Ольга"}, "Автор: Ольга."},
		{"notify.deal.assigned", map[string]any{"Number": "D-2026-0001", "Title": "Лизинг", "Client": "ООО «Ромашка»",
			"INN": "7707083893", "Amount": 100, "By": "Ольга"}, "Автор: Ольга."},
	} {
		if got := p.T(tc.key, tc.args); !strings.Contains(got, tc.want) {
			t.Errorf("%s = %q, want it to contain %q", tc.key, got, tc.want)
		}
	}
	for key, text := range ruMessages(t) {
		for _, verb := range []string{"Передал:", "Поставил:", "Создал:"} {
			if strings.Contains(text, verb) {
				t.Errorf("%s: %q puts a person with a masculine verb: %q", key, verb, text)
			}
		}
	}
}
