package bolt

import (
	"encoding/json"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// TestCorrectionOf: the record a stored correction is of is read from the
// start of its JSON, whatever its texts hold; a record written otherwise
// is decoded; a damaged one is an error.
func TestCorrectionOf(t *testing.T) {
	stored := func(c *core.Correction) []byte {
		data, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	tricky := `"edit":{"entity":"deal","id":5,` // a text that looks like the key
	for _, tc := range []struct {
		name   string
		data   []byte
		entity string
		id     int64
		err    bool
	}{
		{"as stored", stored(&core.Correction{ID: 12, Edit: core.Edit{Entity: core.EntityClient, ID: 345,
			Label: tricky, Reason: tricky, Old: tricky}}), "client", 345, false},
		{"a large id", stored(&core.Correction{ID: 1, Edit: core.Edit{Entity: core.EntityDeal, ID: 9007199254740993}}),
			"deal", 9007199254740993, false},
		{"fields in another order", []byte(`{"id":3,"edit":{"id":7,"entity":"deal"}}`), "deal", 7, false},
		{"a label first", []byte(`{"edit":{"label":"` + `x` + `","entity":"client","id":4}}`), "client", 4, false},
		{"an id not a number", []byte(`{"edit":{"entity":"deal","id":"7"}}`), "", 0, true},
		{"damaged", []byte(`{"edit":{"entity":"deal","id":`), "", 0, true},
	} {
		e, id, err := correctionOf(tc.data)
		if string(e) != tc.entity || id != tc.id || (err != nil) != tc.err {
			t.Errorf("%s: %q, %d, %v; want %q, %d, error %v", tc.name, e, id, err, tc.entity, tc.id, tc.err)
		}
	}
}
