// Package registrytest checks a registry adapter's answers against the
// contract of core.Registry, for the adapters' tests: the errors a lookup
// may end in and the record's surviving the store's JSON.
package registrytest

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// ErrorKeys are the keys of the EUNAVAILABLE errors core.Registry allows.
var ErrorKeys = []string{core.ErrRegistryDown, core.ErrRegistryAuth, core.ErrRegistryQuota, core.ErrRegistryBadAnswer}

// CheckError checks a failed lookup of inn by the registry source: no
// record, ENOTFOUND for that INN or EUNAVAILABLE with an allowed key, the
// source named, and the secret (an API key, a password) nowhere in it.
func CheckError(t testing.TB, source, secret, inn string, rec *core.RegistryRecord, err error) {
	t.Helper()
	var e *core.Error
	switch {
	case rec != nil || !errors.As(err, &e) || e.Args["Source"] != source:
		t.Fatalf("Lookup(%s) = %+v, %v", inn, rec, err)
	case e.Code == core.ENOTFOUND:
		if e.Key != core.ErrRegistryNotFound || e.Args["INN"] != inn {
			t.Fatalf("Lookup(%s): not found as %s %v", inn, e.Key, e.Args)
		}
	case e.Code != core.EUNAVAILABLE || !slices.Contains(ErrorKeys, e.Key):
		t.Fatalf("Lookup(%s): error %s %s (%v)", inn, e.Code, e.Key, err)
	}
	if secret != "" && strings.Contains(err.Error(), secret) {
		t.Fatalf("Lookup(%s): the error shows the secret: %v", inn, err)
	}
}

// CheckStorable checks that a record survives the JSON the store and the
// registry cache keep it in.
func CheckStorable(t testing.TB, rec *core.RegistryRecord) {
	t.Helper()
	data, err := json.Marshal(rec)
	if err != nil {
		t.Fatalf("record %+v cannot be stored: %v", rec, err)
	}
	var back core.RegistryRecord
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatalf("record %s does not read back: %v", data, err)
	}
	for _, p := range []struct{ got, want *time.Time }{{&back.RegisteredAt, &rec.RegisteredAt},
		{&back.LiquidatedAt, &rec.LiquidatedAt}, {&back.FetchedAt, &rec.FetchedAt}} {
		if !p.got.Equal(*p.want) {
			t.Fatalf("record %s reads back with %v for %v", data, *p.got, *p.want)
		}
		*p.got = *p.want
	}
	if !reflect.DeepEqual(&back, rec) {
		t.Fatalf("record %+v reads back as %+v", rec, back)
	}
}
