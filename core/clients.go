package core

import (
	"cmp"
	"context"
	"slices"
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
	return s.addClient(ctx, a, c, "created")
}

// addClient validates a new client card and writes it, audited with the
// reason. A client with the same INN and KPP, or the same OGRN on another
// INN, is a duplicate (ECONFLICT).
func (s *Service) addClient(ctx context.Context, a Actor, c *Client, reason string) (*Client, error) {
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
		return tx.AddChanges(stamp(diffClient(&Client{}, c), a, reason)...)
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
		return Errorf(ECONFLICT, "err.client.ogrn_taken", "OGRN", c.OGRN, "Name", dup.Name(), "Card", QuoteName(dup.Name()))
	} else if err != nil && !IsNotFound(err) {
		return err
	}
	return nil
}

// ClientActivity is what goes on with a client, as a card shows it: the
// deals, open tasks and open intake requests the actor may see.
type ClientActivity struct {
	// Deals are open deals first, then closed ones, newest first in each.
	Deals []*Deal
	// Tasks are the open tasks about the client or its deals, by due time.
	Tasks []*Task
	// Intakes are the open intake requests of the client's INN (and KPP,
	// when one was given) or of the card itself, oldest first.
	Intakes []*Intake
}

// OpenDeals counts the deals that are not closed.
func (ca *ClientActivity) OpenDeals() int {
	n := 0
	for _, d := range ca.Deals {
		if !d.Stage.Closed() {
			n++
		}
	}
	return n
}

// ClientActivity returns a card's deals, open tasks and open intake
// requests, each as far as the actor may see it: a manager their own deals
// and the tasks they do or set, the requests they sent; deal support
// everything.
func (s *Service) ClientActivity(ctx context.Context, a Actor, id int64) (*ClientActivity, error) {
	if err := a.require(PermViewClients); err != nil {
		return nil, err
	}
	act := &ClientActivity{}
	err := s.view(ctx, func(tx Tx) error {
		c, err := tx.ClientByID(id)
		if err != nil {
			return err
		}
		if a.Can(PermViewDeals) {
			ds, err := tx.FindDeals(DealFilter{ClientID: id})
			if err != nil {
				return err
			}
			for _, d := range ds {
				if canSeeDeal(a, d) {
					act.Deals = append(act.Deals, d)
				}
			}
			slices.SortStableFunc(act.Deals, func(x, y *Deal) int {
				return cmp.Compare(boolRank(x.Stage.Closed()), boolRank(y.Stage.Closed()))
			})
		}
		if a.Can(PermTasks) {
			ts, err := tx.FindTasks(TaskFilter{ClientID: id, Status: TaskOpen})
			if err != nil {
				return err
			}
			for _, t := range ts {
				if canSeeTask(a, t) {
					act.Tasks = append(act.Tasks, t)
				}
			}
		}
		act.Intakes, err = clientIntakes(tx, a, c)
		return err
	})
	if err != nil {
		return nil, err
	}
	return act, nil
}

// clientIntakes finds the open intake requests of a card that the actor
// may see, through the open tasks that carry them (a request keeps its
// task open until it is done or returned).
func clientIntakes(tx Tx, a Actor, c *Client) ([]*Intake, error) {
	ts, err := tx.FindTasks(TaskFilter{Status: TaskOpen})
	if err != nil {
		return nil, err
	}
	var out []*Intake
	for _, t := range ts {
		if t.IntakeID == 0 {
			continue
		}
		in, err := tx.IntakeByID(t.IntakeID)
		if IsNotFound(err) {
			continue
		} else if err != nil {
			return nil, err
		}
		ours := in.ClientID == c.ID ||
			in.ClientID == 0 && in.Given.INN == c.INN && (in.Given.KPP == "" || c.KPP == "" || in.Given.KPP == c.KPP)
		if in.Status == IntakeOpen && ours && (a.Can(PermVerify) || in.ManagerID == a.ID()) {
			out = append(out, in)
		}
	}
	slices.SortFunc(out, func(x, y *Intake) int { return cmp.Compare(x.ID, y.ID) })
	return out, nil
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// CreateClientFromRegistry creates the card of an INN from the configured
// registries' record, in one step: the record is what an intake's «Создать
// карточку» writes (names, KPP, OGRN, address, director, the status and
// risk signals as the card's verification), audited with the reason
// "registry". kpp picks a branch; empty, the card takes the registry's.
// The record comes from the registries' cache when it is fresh, so the
// record a user was shown is the one written.
//
// Errors: EINVALID err.client.no_registry when no registry is configured;
// ENOTFOUND err.client.registry_not_found when none knows the INN;
// EUNAVAILABLE err.client.registry_unavailable when none could answer;
// ECONFLICT as CreateClient (INN and KPP taken, OGRN on another INN's card).
func (s *Service) CreateClientFromRegistry(ctx context.Context, a Actor, inn, kpp string) (*Client, error) {
	if err := a.require(PermEditClients); err != nil {
		return nil, err
	}
	inn, kpp = strings.TrimSpace(inn), strings.TrimSpace(kpp)
	if err := ValidateINN(inn); err != nil {
		return nil, err
	}
	if len(s.registries) == 0 {
		return nil, Errorf(EINVALID, "err.client.no_registry")
	}
	rep, err := s.VerifyRequisites(ctx, a, Requisites{INN: inn, KPP: kpp}, 0)
	if err != nil {
		return nil, err
	}
	best := rep.Best()
	switch {
	case best == nil && rep.Incomplete():
		return nil, Errorf(EUNAVAILABLE, "err.client.registry_unavailable", "INN", inn)
	case best == nil:
		return nil, Errorf(ENOTFOUND, "err.client.registry_not_found", "INN", inn)
	}
	given := Requisites{INN: inn, KPP: kpp}
	if given.KPP == "" && KindForINN(inn) == KindLegal {
		given.KPP = best.KPP // the head office, as the registry has it
	}
	c := &Client{}
	fillCard(c, &Intake{Given: given, Report: rep}, false)
	if a.User != nil && a.User.Role == RoleManager {
		c.ManagerID = a.User.ID
	}
	return s.addClient(ctx, a, c, "registry")
}

// nameQuotes are the quotes a card's name may have of its own: ООО
// «Ромашка», ООО "Ромашка", ООО “Ромашка”, ООО „Ромашка“.
const nameQuotes = "«»\"“”„"

// QuoteName is a card's name as a sentence shows it: in «» unless it has
// quotes of its own, so that «ООО «Ромашка»» is never printed (the
// name's quotes already set it off). Messages take a name so quoted as
// the argument Card (IntoCard for the card merged into) and do not quote
// it again; given only the raw Name, they quote it themselves, as before.
// A deal's label quotes its title the same way.
func QuoteName(name string) string {
	name = strings.TrimSpace(name)
	if name == "" || strings.ContainsAny(name, nameQuotes) {
		return name
	}
	return "«" + name + "»"
}

// ErrClientMerged is the refusal of work on card c, merged into card into,
// naming both cards (their names through QuoteName, the surviving card's
// INN), so that the user knows which card to work with. into may be nil
// (not found): the error then names it by number alone.
func ErrClientMerged(code string, c, into *Client) error {
	args := []any{"ID", c.ID, "Into", c.MergedInto, "Name", c.Name(), "Card", QuoteName(c.Name())}
	if into != nil {
		args = append(args, "IntoName", into.Name(), "IntoCard", QuoteName(into.Name()), "IntoINN", into.INN)
	}
	return Errorf(code, "err.client.merged", args...)
}

// mergedErr is ErrClientMerged with the surviving card read in tx.
func mergedErr(tx Tx, code string, c *Client) error {
	into, err := tx.ClientByID(c.MergedInto)
	if err != nil {
		into = nil
	}
	return ErrClientMerged(code, c, into)
}
