package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// actionSecret returns the key that signs button contexts: the configured
// one, or a random key made on the first start and kept beside the database
// (readable by the owner only), so that buttons already posted keep working
// across restarts and a rotated bot token changes nothing.
func actionSecret(configured, dbPath string) ([]byte, error) {
	if configured != "" {
		return []byte(configured), nil
	}
	path := dbPath + ".action-secret"
	b, err := os.ReadFile(path)
	if err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		return []byte(strings.TrimSpace(string(b))), nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("action secret: %w", err)
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	secret := hex.EncodeToString(key)
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("action secret: %w", err)
	}
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("action secret: %w", err)
	}
	return []byte(secret), nil
}
