package bot_test

import (
	"slices"
	"testing"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/usecases"
	"github.com/dealdesk/dealdesk/core"
)

// finalHarness is a harness whose bot also has /final <required key>,
// a dialog of one question answered through bot.FinalInput: "bad" is a
// wrong answer, "gone" a change that cannot be made, "quiet" a change
// with nothing to reply; acted records what reached the change.
func finalHarness(t *testing.T) (*harness, *[]string) {
	h := newHarness(t)
	var acted []string
	final := func(r *bot.Router) {
		r.Command("final", core.PermTasks, func(c *bot.Context) error {
			return c.Start("test.final", map[string]string{"required": c.Update.Args})
		})
		r.Flow(&bot.Flow{Name: "test.final", First: "text", Perm: core.PermTasks, Steps: map[string]*bot.Step{
			"text": {Prompt: func(c *bot.Context) error { return c.Send(bot.Reply{Text: "what?"}) },
				Input: func(c *bot.Context, s string) (string, error) {
					return bot.FinalInput(c.Conv.Data["required"], func(c *bot.Context, s string) (*bot.Reply, error) {
						acted = append(acted, s)
						switch s {
						case "bad":
							return nil, core.Errorf(core.EINVALID, "err.task.result_required")
						case "gone":
							return nil, core.Errorf(core.ECONFLICT, "err.task.not_open", "ID", 7)
						case "quiet":
							return nil, nil
						}
						return &bot.Reply{Text: "done: " + s}, nil
					})(c, s)
				}},
		}})
	}
	h.bot = bot.New(bot.Config{Service: h.svc, Locales: bundle, Logger: zerolog.Nop(), Clock: h.clock,
		UseCases: append(slices.Clone(usecases.All), final)})
	h.bot.AddTransport(h.rec)
	return h, &acted
}

func TestFinalInput(t *testing.T) {
	refused := bundle.Printer("ru", nil).T("err.task.result_required", nil)
	conflict := bundle.Printer("ru", nil).T("err.task.not_open", bot.Args{"ID": 7})
	tests := []struct {
		name     string
		required string
		answers  []string
		replies  [][]string // the texts each answer gets
		acted    []string
	}{
		{"done", "err.task.result_required", []string{"позвонил"}, [][]string{{"done: позвонил"}},
			[]string{"позвонил"}},
		{"required: a dash is refused and asked again", "err.task.result_required", []string{"-", "позвонил"},
			[][]string{{refused, "what?"}, {"done: позвонил"}}, []string{"позвонил"}},
		{"optional: a dash is no text", "", []string{"-"}, [][]string{{"done: "}}, []string{""}},
		{"a wrong answer is asked again", "", []string{"bad", "ok"},
			[][]string{{refused, "what?"}, {"done: ok"}}, []string{"bad", "ok"}},
		{"another error ends the dialog", "", []string{"gone", "ok"},
			[][]string{{conflict}, {bundle.Printer("ru", nil).T("msg.unknown_text", nil)}}, []string{"gone"}},
		{"nothing to reply, the dialog ended", "", []string{"quiet", "ok"},
			[][]string{nil, {bundle.Printer("ru", nil).T("msg.unknown_text", nil)}}, []string{"quiet"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, acted := finalHarness(t)
			if got := texts(h.say("admin", "/final "+tt.required)); !slices.Equal(got, []string{"what?"}) {
				t.Fatalf("/final = %q", got)
			}
			for i, a := range tt.answers {
				if got := texts(h.say("admin", a)); !slices.Equal(got, tt.replies[i]) {
					t.Fatalf("%q: replies = %q, want %q", a, got, tt.replies[i])
				}
			}
			if !slices.Equal(*acted, tt.acted) {
				t.Fatalf("acted on %q, want %q", *acted, tt.acted)
			}
		})
	}
}
