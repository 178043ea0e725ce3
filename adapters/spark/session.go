package spark

import (
	"context"
	"fmt"
	"strings"
)

// login makes sure a session is open and returns its number. With stale 0
// it opens one only when there is none; with the number of a session SPARK
// has refused it opens a new one, unless another call already did.
func (c *Client) login(ctx context.Context, stale uint64) (uint64, error) {
	c.smu.Lock()
	defer c.smu.Unlock()
	if c.session != 0 && c.session != stale {
		return c.session, nil
	}
	c.session = 0
	ans, err := c.call(ctx, "Authmethod", []param{{"Login", c.cfg.Login}, {"Password", c.cfg.Password}})
	if err != nil {
		return 0, err
	}
	if !strings.EqualFold(ans.result, "True") {
		// The answer names no credentials, so it is safe to keep.
		return 0, authErr(fmt.Errorf("login refused: Authmethod answered %q", ans.result))
	}
	c.logins++
	c.session = c.logins
	c.log.Debug().Uint64("session", c.session).Msg("logged in")
	return c.session, nil
}

// Close ends the SPARK session, if one is open, with End. The Client stays
// usable: the next Lookup logs in again.
func (c *Client) Close(ctx context.Context) error {
	c.smu.Lock()
	defer c.smu.Unlock()
	if c.session == 0 {
		return nil
	}
	c.session = 0
	ans, err := c.call(ctx, "End", nil)
	if err != nil {
		return fmt.Errorf("spark: end session: %w", err)
	}
	if !strings.EqualFold(ans.result, "True") {
		c.log.Debug().Str("result", ans.result).Msg("End did not confirm the end of the session")
	}
	return nil
}
