// Package filesum checks that a stored file's content is what its name
// says: files are kept under the lower-case hex SHA-256 of their content.
package filesum

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// Check returns an error unless want is data's SHA-256 in lower-case hex.
func Check(want string, data []byte) error {
	sum := sha256.Sum256(data)
	if got := hex.EncodeToString(sum[:]); got != want {
		return fmt.Errorf("the content's SHA-256 is %s", got)
	}
	return nil
}
