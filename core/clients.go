package core

import (
	"context"
	"strings"
)

// FindClientsByINN returns the clients with an INN (the head office and its
// branches), after checking the INN itself. No client is ENOTFOUND.
func (s *Service) FindClientsByINN(ctx context.Context, a Actor, inn string) ([]*Client, error) {
	if err := a.require(PermViewClients); err != nil {
		return nil, err
	}
	if err := ValidateINN(inn); err != nil {
		return nil, err
	}
	var cs []*Client
	err := s.view(ctx, func(tx Tx) (err error) {
		cs, err = tx.ClientsByINN(inn)
		return err
	})
	if err == nil && len(cs) == 0 {
		return nil, Errorf(ENOTFOUND, "err.client.not_found", "INN", inn)
	}
	return cs, err
}

// ClientByID returns a client.
func (s *Service) ClientByID(ctx context.Context, a Actor, id int64) (*Client, error) {
	if err := a.require(PermViewClients); err != nil {
		return nil, err
	}
	var c *Client
	err := s.view(ctx, func(tx Tx) (err error) {
		c, err = tx.ClientByID(id)
		return err
	})
	return c, err
}

// SearchClients finds clients by a name fragment or an INN prefix.
func (s *Service) SearchClients(ctx context.Context, a Actor, query string, limit int) ([]*Client, error) {
	if err := a.require(PermViewClients); err != nil {
		return nil, err
	}
	query = strings.TrimSpace(query)
	if len([]rune(query)) < 2 {
		return nil, Errorf(EINVALID, "err.search.too_short")
	}
	var cs []*Client
	err := s.view(ctx, func(tx Tx) (err error) {
		cs, err = tx.SearchClients(query, limit)
		return err
	})
	return cs, err
}

// CreateClient adds a client card, audited. A client with the same INN and
// KPP, or the same OGRN, is a duplicate (ECONFLICT).
func (s *Service) CreateClient(ctx context.Context, a Actor, c *Client) (*Client, error) {
	if err := a.require(PermEditClients); err != nil {
		return nil, err
	}
	c.INN, c.KPP, c.OGRN = strings.TrimSpace(c.INN), strings.TrimSpace(c.KPP), strings.TrimSpace(c.OGRN)
	if c.Kind == "" {
		c.Kind = KindForINN(c.INN)
	}
	if c.Verification.Status == "" {
		c.Verification.Status = Unverified
	}
	if c.ManagerID == 0 && a.User != nil && a.User.Role == RoleManager {
		c.ManagerID = a.User.ID
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	err := s.update(ctx, func(tx Tx) error {
		if dup, err := tx.ClientByINN(c.INN, c.KPP); err == nil {
			return Errorf(ECONFLICT, "err.client.exists", "INN", dup.INN, "KPP", dup.KPP, "Name", dup.Name())
		} else if !IsNotFound(err) {
			return err
		}
		if err := checkOGRN(tx, c); err != nil {
			return err
		}
		if err := tx.CreateClient(c); err != nil {
			return err
		}
		return tx.AddChanges(stamp(diffClient(&Client{}, c), a, "created")...)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// UpdateClient changes a client card with fn, audited with the reason. Its
// ID and creation time stay, and a new OGRN may not be another INN's.
func (s *Service) UpdateClient(ctx context.Context, a Actor, id int64, reason string, fn func(*Client) error) (*Client, error) {
	if err := a.require(PermEditClients); err != nil {
		return nil, err
	}
	var c *Client
	err := s.update(ctx, func(tx Tx) (err error) {
		if c, err = tx.ClientByID(id); err != nil {
			return err
		}
		old := *c
		if err := fn(c); err != nil {
			return err
		}
		c.ID, c.CreatedAt = old.ID, old.CreatedAt
		if err := c.Validate(); err != nil {
			return err
		}
		if c.OGRN != old.OGRN {
			if err := checkOGRN(tx, c); err != nil {
				return err
			}
		}
		cs := diffClient(&old, c)
		if len(cs) == 0 {
			return nil
		}
		if err := tx.UpdateClient(c); err != nil {
			return err
		}
		return tx.AddChanges(stamp(cs, a, reason)...)
	})
	return c, err
}

// CheckClientOGRN tells a dialog, at the step that asks for the OGRN, what
// CreateClient would say of it: ECONFLICT when it is on a card of another
// INN. It only reads; CreateClient checks again when it saves.
func (s *Service) CheckClientOGRN(ctx context.Context, a Actor, inn, ogrn string) error {
	if err := a.require(PermViewClients); err != nil {
		return err
	}
	return s.view(ctx, func(tx Tx) error {
		return checkOGRN(tx, &Client{INN: strings.TrimSpace(inn), OGRN: strings.TrimSpace(ogrn)})
	})
}

// checkOGRN returns ECONFLICT when the client's OGRN is on a card of another
// INN; a branch shares its head office's.
func checkOGRN(tx Tx, c *Client) error {
	if c.OGRN == "" {
		return nil
	}
	dup, err := tx.ClientByOGRN(c.OGRN)
	if err == nil && dup.INN != c.INN {
		return Errorf(ECONFLICT, "err.client.ogrn_taken", "OGRN", c.OGRN, "Name", dup.Name())
	} else if err != nil && !IsNotFound(err) {
		return err
	}
	return nil
}
