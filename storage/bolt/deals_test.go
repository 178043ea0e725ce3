package bolt_test

import (
	"github.com/dealdesk/dealdesk/core"
)

func newDeal(number string, clientID, managerID int64, stage core.Stage) *core.Deal {
	return &core.Deal{Number: number, ClientID: clientID, ManagerID: managerID, Title: "Сделка " + number,
		Amount: 1_000_000_00, Stage: stage, CreatedBy: managerID}
}
