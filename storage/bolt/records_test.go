package bolt_test

// Records for the bbolt-only tests (check, migrations, dump, backup): the
// rules of the records themselves are the behaviour suite's
// (storage/storetest), which TestBehaviour runs on bbolt.

import (
	"time"

	"github.com/dealdesk/dealdesk/core"
)

func newUser(name string, identities ...string) *core.User {
	return &core.User{Name: name, Identities: identities, Role: core.RoleManager, Active: true, TimeZone: "Europe/Moscow"}
}

func newClient(inn, kpp, ogrn, short string) *core.Client {
	return &core.Client{Kind: core.KindForINN(inn), INN: inn, KPP: kpp, OGRN: ogrn, ShortName: short,
		Verification: core.Verification{Status: core.Unverified}}
}

// newReminder is a pending payment reminder of deal 7 for user 1, due at.
func newReminder(k string, due time.Time) *core.Reminder {
	return &core.Reminder{Key: k, Kind: core.ReminderPayment, UserID: 1, DealID: 7, DueAt: due,
		Target: due.AddDate(0, 0, 1), Lead: 1, Amount: 150_000_00}
}

func reminderKeys(rs []*core.Reminder) []string {
	keys := []string{}
	for _, r := range rs {
		keys = append(keys, r.Key)
	}
	return keys
}
