package bolt_test

import (
	"github.com/dealdesk/dealdesk/core"
)

func newUser(name string, identities ...string) *core.User {
	return &core.User{Name: name, Identities: identities, Role: core.RoleManager, Active: true, TimeZone: "Europe/Moscow"}
}
