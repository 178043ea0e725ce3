package bot_test

import (
	"testing"

	"github.com/dealdesk/dealdesk/bot"
)

func TestAfterWords(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"ромашка кпп 773601002", 0, "ромашка кпп 773601002"},
		{"ромашка кпп 773601002", 1, "кпп 773601002"},
		{"ООО Ромашка кпп 773601002", 2, "кпп 773601002"},
		{"  ромашка   кпп  773601002  ", 1, "кпп  773601002"},
		{"ромашка\nкпп 773601002\nпричина: опечатка", 1, "кпп 773601002\nпричина: опечатка"},
		{"ромашка\u00a0кпп 773601002", 1, "кпп 773601002"},
		{"ромашка\tкпп", 1, "кпп"},
		{"ромашка кпп", 2, ""},
		{"ромашка", 3, ""},
		{"", 1, ""},
	}
	for _, tt := range tests {
		if got := bot.AfterWords(tt.s, tt.n); got != tt.want {
			t.Errorf("AfterWords(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
	}
}
