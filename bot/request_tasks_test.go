package bot_test

import (
	"strings"
	"testing"
)

// TestRequestTasksNameTheirRequest (issue 11): a request's task reads as
// the request in /tasks and on the client card («обращение #N», waiting in
// the queue, its deadline), not as a bare title.
func TestRequestTasksNameTheirRequest(t *testing.T) {
	ro := newRequestOffice(t)
	ro.say("u", "/request вопрос 7707083893 Какой лимит у клиента?")
	ro.deliver()
	for _, cmd := range []string{"/tasks", "/client 7707083893"} {
		msgs := ro.say("o", cmd)
		text := ""
		for _, m := range msgs {
			text += m.Text
		}
		if !strings.Contains(text, "обращение #1") || !strings.Contains(text, "в очереди сопровождения") {
			t.Errorf("%s does not name the request:\n%s", cmd, text)
		}
	}
}
