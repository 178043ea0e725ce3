package bot_test

import (
	"strings"
	"testing"
	"unicode"

	"github.com/dealdesk/dealdesk/bot"
)

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"/deal new", "/deal@dealdesk_bot 42", "/Deal@DealDesk_Bot", "/new_client\nООО Ромашка\nИНН 7707083893  ",
		"  /deals", "\n/help", "/deal\tnew", "/deal  new  ", "/start abc123", "/crm deal new", "just text", "/", "//", "/ deal",
		"/@bot", "/путь не команда", "", "deal new", "/DEAL\r\nnew", "/deal\u00a0new", "/deal@", "/a@b@c d", "/x\n\ny"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		cmd, args, ok := bot.ParseCommand(text)
		if !ok {
			if cmd != "" || args != "" {
				t.Fatalf("ParseCommand(%q) = %q, %q, refused", text, cmd, args)
			}
			trimmed := strings.TrimLeftFunc(text, unicode.IsSpace)
			if strings.HasPrefix(trimmed, "/") && len(trimmed) > 1 && !strings.ContainsAny(trimmed[1:2], "@/") &&
				!unicode.IsSpace([]rune(trimmed[1:])[0]) {
				t.Fatalf("ParseCommand(%q) refused a command", text)
			}
			return
		}
		if !strings.HasPrefix(strings.TrimLeftFunc(text, unicode.IsSpace), "/") {
			t.Fatalf("ParseCommand(%q) = %q: not a command", text, cmd)
		}
		if cmd == "" || strings.ContainsAny(cmd, "@") || strings.IndexFunc(cmd, unicode.IsSpace) >= 0 ||
			strings.HasPrefix(cmd, "/") || cmd != strings.ToLower(cmd) {
			t.Fatalf("ParseCommand(%q) = command %q", text, cmd)
		}
		// The arguments are the rest of the text after the command word.
		rest := strings.TrimLeftFunc(text, unicode.IsSpace)[1:]
		want := ""
		if i := strings.IndexFunc(rest, unicode.IsSpace); i >= 0 {
			want = strings.TrimSpace(rest[i:])
		}
		if args != want {
			t.Fatalf("ParseCommand(%q) = args %q, want %q", text, args, want)
		}
		// The command and its arguments make the same command again.
		line := "/" + cmd
		if args != "" {
			line += " " + args
		}
		if c2, a2, ok := bot.ParseCommand(line); !ok || c2 != cmd || a2 != args {
			t.Fatalf("ParseCommand(%q) = %q, %q; but %q gives %q, %q, %v", text, cmd, args, line, c2, a2, ok)
		}
	})
}
