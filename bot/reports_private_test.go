package bot_test

import (
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/bot"
)

// /export or /report typed in a group does not post the file of records
// there, where everyone would see it: the file goes to the user's private
// chat and the group is told so.
func TestReportInAGroupGoesToThePrivateChat(t *testing.T) {
	d := newReportDesk(t)
	for _, text := range []string{"/export сделки", "/report воронка"} {
		u := &bot.Update{UserID: "o", ChatID: "g-heads", ChatType: bot.ChatGroup, ChatTitle: "Руководители", Text: text}
		u.Command, u.Args, _ = bot.ParseCommand(u.Text)
		got := map[string][]*bot.Message{}
		for _, m := range d.send(u) {
			got[m.ChatID] = append(got[m.ChatID], m)
		}
		for chat, ms := range d.deliver() {
			got[chat] = append(got[chat], ms...)
		}
		if n := len(files(got["g-heads"])); n != 0 {
			t.Fatalf("%s: the group got %d files: %s", text, n, dump(got["g-heads"]))
		}
		if !strings.Contains(dump(got["g-heads"]), "личные сообщения") {
			t.Fatalf("%s: the group is not told where the file went: %s", text, dump(got["g-heads"]))
		}
		if len(files(got["o"])) == 0 || !strings.Contains(dump(got["o"]), "Отправить…") {
			t.Fatalf("%s: the private chat has no file with its buttons: %s", text, dump(got["o"]))
		}
	}
}
