package postgres

import (
	"errors"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// Stubs of S1's methods while they are written; this file goes when they are all done.
var errTODOS1 = errors.New("postgres: not implemented yet")
var _ = time.Now
var _ core.Tx

// ClientTx: TODO(S1)
func (tx *Tx) ClientByID(id int64) (*core.Client, error) { return *new(*core.Client), errTODOS1 }

// ClientTx: TODO(S1)
func (tx *Tx) ClientByINN(inn string, kpp string) (*core.Client, error) {
	return *new(*core.Client), errTODOS1
}

// ClientTx: TODO(S1)
func (tx *Tx) ClientByOGRN(ogrn string) (*core.Client, error) { return *new(*core.Client), errTODOS1 }

// ClientTx: TODO(S1)
func (tx *Tx) ClientsByINN(inn string) ([]*core.Client, error) {
	return *new([]*core.Client), errTODOS1
}

// ClientTx: TODO(S1)
func (tx *Tx) ClientsByNameKey(key string) ([]*core.Client, error) {
	return *new([]*core.Client), errTODOS1
}

// ClientTx: TODO(S1)
func (tx *Tx) ClientsCheckedBefore(t time.Time, limit int) ([]*core.Client, error) {
	return *new([]*core.Client), errTODOS1
}

// ClientTx: TODO(S1)
func (tx *Tx) CreateClient(c *core.Client) error { return errTODOS1 }

// ClientTx: TODO(S1)
func (tx *Tx) SearchClients(query string, limit int) ([]*core.Client, error) {
	return *new([]*core.Client), errTODOS1
}

// ClientTx: TODO(S1)
func (tx *Tx) UpdateClient(c *core.Client) error { return errTODOS1 }

// DealTx: TODO(S1)
func (tx *Tx) CreateDeal(d *core.Deal) error { return errTODOS1 }

// DealTx: TODO(S1)
func (tx *Tx) DealByID(id int64) (*core.Deal, error) { return *new(*core.Deal), errTODOS1 }

// DealTx: TODO(S1)
func (tx *Tx) DealByNumber(number string) (*core.Deal, error) { return *new(*core.Deal), errTODOS1 }

// DealTx: TODO(S1)
func (tx *Tx) FindDeals(f core.DealFilter) ([]*core.Deal, error) {
	return *new([]*core.Deal), errTODOS1
}

// DealTx: TODO(S1)
func (tx *Tx) UpdateDeal(d *core.Deal) error { return errTODOS1 }

// TaskTx: TODO(S1)
func (tx *Tx) CreateTask(t *core.Task) error { return errTODOS1 }

// TaskTx: TODO(S1)
func (tx *Tx) FindTasks(f core.TaskFilter) ([]*core.Task, error) {
	return *new([]*core.Task), errTODOS1
}

// TaskTx: TODO(S1)
func (tx *Tx) TaskByID(id int64) (*core.Task, error) { return *new(*core.Task), errTODOS1 }

// TaskTx: TODO(S1)
func (tx *Tx) UpdateTask(t *core.Task) error { return errTODOS1 }

// IntakeTx: TODO(S1)
func (tx *Tx) CreateIntake(in *core.Intake) error { return errTODOS1 }

// IntakeTx: TODO(S1)
func (tx *Tx) IntakeByID(id int64) (*core.Intake, error) { return *new(*core.Intake), errTODOS1 }

// IntakeTx: TODO(S1)
func (tx *Tx) UpdateIntake(in *core.Intake) error { return errTODOS1 }

// RegistryCacheTx: TODO(S1)
func (tx *Tx) CachedRecord(source string, inn string, kpp string) (*core.RegistryRecord, error) {
	return *new(*core.RegistryRecord), errTODOS1
}

// RegistryCacheTx: TODO(S1)
func (tx *Tx) PutCachedRecord(inn string, kpp string, rec *core.RegistryRecord) error {
	return errTODOS1
}

// UserTx: TODO(S1)
func (tx *Tx) CreateInvite(inv *core.Invite) error { return errTODOS1 }

// UserTx: TODO(S1)
func (tx *Tx) CreateUser(u *core.User) error { return errTODOS1 }

// UserTx: TODO(S1)
func (tx *Tx) DeleteInvite(code string) error { return errTODOS1 }

// UserTx: TODO(S1)
func (tx *Tx) InviteByCode(code string) (*core.Invite, error) { return *new(*core.Invite), errTODOS1 }

// UserTx: TODO(S1)
func (tx *Tx) InviteFailures(identity string) ([]time.Time, error) {
	return *new([]time.Time), errTODOS1
}

// UserTx: TODO(S1)
func (tx *Tx) ListUsers() ([]*core.User, error) { return *new([]*core.User), errTODOS1 }

// UserTx: TODO(S1)
func (tx *Tx) PurgeInviteFailures(before time.Time) (int, error) { return *new(int), errTODOS1 }

// UserTx: TODO(S1)
func (tx *Tx) PutInviteFailures(identity string, times []time.Time) error { return errTODOS1 }

// UserTx: TODO(S1)
func (tx *Tx) UpdateUser(u *core.User) error { return errTODOS1 }

// UserTx: TODO(S1)
func (tx *Tx) UserByID(id int64) (*core.User, error) { return *new(*core.User), errTODOS1 }

// UserTx: TODO(S1)
func (tx *Tx) UserByIdentity(identity string) (*core.User, error) { return *new(*core.User), errTODOS1 }

// ChatTx: TODO(S1)
func (tx *Tx) DeleteWorkChat(platform string, chatID string) error { return errTODOS1 }

// ChatTx: TODO(S1)
func (tx *Tx) PutWorkChat(c *core.WorkChat) error { return errTODOS1 }

// ChatTx: TODO(S1)
func (tx *Tx) WorkChat(platform string, chatID string) (*core.WorkChat, error) {
	return *new(*core.WorkChat), errTODOS1
}

// ChatTx: TODO(S1)
func (tx *Tx) WorkChatsByPurpose(p core.ChatPurpose) ([]*core.WorkChat, error) {
	return *new([]*core.WorkChat), errTODOS1
}
