package bot_test

import (
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// TestFileWithoutCommand: a file sent on its own, without a command as its
// caption, is answered with how to send it; in the middle of a dialog it is
// not taken for an answer, and the dialog goes on.
func TestFileWithoutCommand(t *testing.T) {
	h := newHarness(t)
	fc := newFileChat(h.rec)
	h.addUser("m", "Менеджер", core.RoleManager)
	f := fc.put("scan.pdf", []byte("%PDF"))
	h.want(h.sendFile(fc, "m", "", f), "msg.file.unexpected", nil)

	h.want(h.say("m", "/deal new"), "flow.deal.client", nil)
	h.want(h.sendFile(fc, "m", "", f), "msg.file.in_dialog", nil)
	h.want(h.sendFile(fc, "m", "7707083893", f), "msg.file.in_dialog", nil)
	if got := h.say("m", "/cancel"); len(got) == 0 || got[len(got)-1].Text != h.p.T("msg.cancel.done", nil) {
		t.Fatalf("the dialog did not stay: %s", dump(got))
	}
	if fc.downloads != 0 {
		t.Errorf("%d files fetched, want none", fc.downloads)
	}
}
