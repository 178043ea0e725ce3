package main

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
)

// configSeeds are TOML files: the README's kind of settings, every value
// type TOML has, and broken files.
var configSeeds = []string{
	"DEALDESK_DB = \"/data/file.db\"\nDEALDESK_ADMINS = [\"telegram:1\", \"telegram:2\"]\nDEALDESK_LOG_LEVEL = \"debug\"\n",
	"TELEGRAM_TOKEN = \"123:ABC\"\nDEALDESK_ADMINS = \"telegram:123456789, mattermost:abc\"\nDEALDESK_CONSOLE = \"off\"\n",
	"MATTERMOST_URL = 'https://chat.example.com'\nMATTERMOST_TOKEN = 'tok'\nDEALDESK_PUBLIC_URL = 'http://dealdesk.internal:8181'\n",
	"DEALDESK_OUTBOX_INTERVAL = \"250ms\"\nDEALDESK_REGISTRY_TTL = \"12h\"\nDEALDESK_REGISTRY_RECHECK = \"0\"\nDEALDESK_REGISTRY_PAUSE = \"1m30s\"\n",
	"# comment\nDADATA_API_KEY = \"\"\"\nkey\"\"\"\nSPARK_LOGIN = \"login\" # trailing\nSPARK_PASSWORD = 'p\"w'\n",
	"DEALDESK_DB = 5\nDEALDESK_LOG_LEVEL = true\nMATTERMOST_TEAM = 1.5\nDEALDESK_FILES_DIR = 1979-05-27T07:32:00Z\n",
	"DEALDESK_ADMINS = [1, \"telegram:2\", [3]]\nDEALDESK_DB = {path = \"x\"}\n",
	"DEALDESK_OUTBOX_INTERVAL = 5\n", "DEALDESK_OUTBOX_INTERVAL = \"0s\"\n", "DEALDESK_OUTBOX_INTERVAL = \"-1s\"\n",
	"DEALDESK_CONSOLE = \"maybe\"\n", "DEALDESK_TYPO = 1\n", "[DEALDESK_DB]\nx = 1\n", "DEALDESK_DB = \n", "DEALDESK_DB = \"unterminated\n",
	"DEALDESK_DB = \"\"\n", "DEALDESK_DB = \"a\"\nDEALDESK_DB = \"b\"\n", "", "\xff", "DEALDESK_DB = \"\\ud800\"\n",
}

// writeConfig writes a config file at path (one per fuzz worker, which
// runs its inputs one at a time).
func writeConfig(t *testing.T, path string, text []byte) string {
	t.Helper()
	if err := os.WriteFile(path, text, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// parseEnv reads "NAME=value" lines.
func parseEnv(s string) map[string]string {
	env := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			env[k] = v
		}
	}
	return env
}

// checkConfig checks what LoadConfig promises of a configuration it returns.
func checkConfig(t *testing.T, c Config) {
	t.Helper()
	if c.OutboxInterval <= 0 || c.ControlSocket == "" {
		t.Fatalf("config %+v", c)
	}
	switch c.Console {
	case "auto", "on", "off":
	default:
		t.Fatalf("config with DEALDESK_CONSOLE %q", c.Console)
	}
	for _, a := range c.Admins {
		if a == "" || a != strings.TrimSpace(a) || strings.Contains(a, ",") {
			t.Fatalf("config with admin %q in %q", a, c.Admins)
		}
	}
}

// FuzzLoadConfig loads a TOML file and an environment: a configuration
// that loads keeps LoadConfig's promises, and a variable set in the
// environment wins over the file.
func FuzzLoadConfig(f *testing.F) {
	for _, s := range configSeeds {
		f.Add([]byte(s), "")
	}
	f.Add([]byte(configSeeds[0]), "DEALDESK_LOG_LEVEL=warn\nDEALDESK_OUTBOX_INTERVAL=250ms")
	f.Add([]byte(configSeeds[0]), "DEALDESK_DB=/other.db\nDEALDESK_ADMINS=telegram:3,,")
	f.Add([]byte("DEALDESK_CONSOLE = \"maybe\"\n"), "DEALDESK_CONSOLE=on")
	f.Add([]byte(""), "DEALDESK_CONTROL_SOCKET=/run/dd.sock\nDEALDESK_REGISTRY_TTL=soon")
	at := filepath.Join(f.TempDir(), "dealdesk.toml")
	f.Fuzz(func(t *testing.T, file []byte, envText string) {
		path := writeConfig(t, at, file)
		env := parseEnv(envText)
		noEnv := func(string) string { return "" }
		fromFile, fileErr := LoadConfig(path, noEnv)
		c, err := LoadConfig(path, func(k string) string { return env[k] })
		if err != nil {
			return
		}
		checkConfig(t, c)
		if again, err := LoadConfig(path, func(k string) string { return env[k] }); err != nil || !reflect.DeepEqual(again, c) {
			t.Fatalf("LoadConfig is not deterministic: %+v, then %+v, %v", c, again, err)
		}
		if fileErr != nil {
			return // the environment mended the file
		}
		// The file's configuration with the environment's values set on
		// top is the configuration.
		want := fromFile
		derived := true
		for _, o := range options {
			if v := env[o.name]; v != "" {
				if err := o.set(&want, v); err != nil {
					t.Fatalf("LoadConfig accepted %s=%q: %v", o.name, v, err)
				}
				derived = derived && o.name != "DEALDESK_DB" && o.name != "DEALDESK_CONTROL_SOCKET"
			}
		}
		if !derived { // <DB>.sock follows the database unless set
			want.ControlSocket = c.ControlSocket
		}
		if !reflect.DeepEqual(want, c) {
			t.Fatalf("file and environment:\ngot  %+v\nwant %+v", c, want)
		}
	})
}

// FuzzConfigFileMatchesEnv writes one setting into a TOML file: it must
// mean what the same value in the environment means.
func FuzzConfigFileMatchesEnv(f *testing.F) {
	for i, o := range options {
		f.Add(uint8(i), o.def)
	}
	for _, v := range []string{"on", "maybe", "250ms", "-1s", "telegram:1, telegram:2", "тест", `a"b'c\d`, "line\nbreak", "tab\there",
		"\x00", "\x7f", "\u2028", "  padded  ", "#", "=", "[x]", "https://chat.example.com/"} {
		f.Add(uint8(0), v)
		f.Add(uint8(4), v)
	}
	at := filepath.Join(f.TempDir(), "dealdesk.toml")
	f.Fuzz(func(t *testing.T, idx uint8, value string) {
		if value == "" || !utf8.ValidString(value) { // "" in the environment means unset
			return
		}
		o := options[int(idx)%len(options)]
		var buf bytes.Buffer
		if err := toml.NewEncoder(&buf).Encode(map[string]string{o.name: value}); err != nil {
			return
		}
		fromFile, fileErr := LoadConfig(writeConfig(t, at, buf.Bytes()), func(string) string { return "" })
		fromEnv, envErr := LoadConfig("", func(k string) string {
			if k == o.name {
				return value
			}
			return ""
		})
		if (fileErr == nil) != (envErr == nil) || !reflect.DeepEqual(fromFile, fromEnv) {
			t.Fatalf("%s = %q: the file gives %+v, %v; the environment %+v, %v\nfile: %s", o.name, value, fromFile, fileErr, fromEnv, envErr, buf.Bytes())
		}
	})
}
