package main

import (
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestTrustedSourcesConfig: MATTERMOST_TRUSTED_SOURCES takes addresses and
// networks, from the environment or as a TOML list, and refuses a typo.
func TestTrustedSourcesConfig(t *testing.T) {
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.7/32"), netip.MustParsePrefix("10.1.0.0/16"),
		netip.MustParsePrefix("10.2.0.1/32"), netip.MustParsePrefix("2001:db8::/32")}
	env := map[string]string{"MATTERMOST_TRUSTED_SOURCES": "10.0.0.7, 10.1.2.3/16,::ffff:10.2.0.1, 2001:db8::/32"}
	c, err := LoadConfig("", func(k string) string { return env[k] })
	if err != nil || !slices.Equal(c.MattermostTrustedSources, want) {
		t.Fatalf("trusted = %v, %v; want %v", c.MattermostTrustedSources, err, want)
	}
	file := filepath.Join(t.TempDir(), "dealdesk.toml")
	toml := "MATTERMOST_TRUSTED_SOURCES = [\"10.0.0.7\", \"10.1.0.0/16\", \"10.2.0.1\", \"2001:db8::/32\"]\n"
	if err := os.WriteFile(file, []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	if c, err = LoadConfig(file, func(string) string { return "" }); err != nil || !slices.Equal(c.MattermostTrustedSources, want) {
		t.Fatalf("trusted from TOML = %v, %v; want %v", c.MattermostTrustedSources, err, want)
	}
	if c, err = LoadConfig("", func(string) string { return "" }); err != nil || len(c.MattermostTrustedSources) != 0 {
		t.Fatalf("default trusted = %v, %v; want none", c.MattermostTrustedSources, err)
	}
	for _, bad := range []string{"10.0.0", "chat.example.com", "10.0.0.0/33"} {
		env := map[string]string{"MATTERMOST_TRUSTED_SOURCES": bad}
		if _, err := LoadConfig("", func(k string) string { return env[k] }); err == nil {
			t.Errorf("MATTERMOST_TRUSTED_SOURCES=%q accepted", bad)
		}
	}
}
