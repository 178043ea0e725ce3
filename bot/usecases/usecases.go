// Package usecases lists DealDesk's use cases in the chat, in the order
// their commands appear in /help and the menu. Adding a use case is a new
// package under bot/ and one line here.
package usecases

import (
	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/admin"
	"github.com/dealdesk/dealdesk/bot/cases"
	"github.com/dealdesk/dealdesk/bot/clients"
	"github.com/dealdesk/dealdesk/bot/deals"
	"github.com/dealdesk/dealdesk/bot/documents"
	"github.com/dealdesk/dealdesk/bot/fix"
	"github.com/dealdesk/dealdesk/bot/history"
	"github.com/dealdesk/dealdesk/bot/intake"
	"github.com/dealdesk/dealdesk/bot/profile"
	"github.com/dealdesk/dealdesk/bot/reminders"
	"github.com/dealdesk/dealdesk/bot/reports"
	"github.com/dealdesk/dealdesk/bot/requests"
	"github.com/dealdesk/dealdesk/bot/tasks"
)

// All is every use case.
var All = []bot.UseCase{
	clients.Register,
	intake.Register,
	deals.Register,
	documents.Register,
	fix.Register, // /edit and /fix: one dialog
	tasks.Register,
	reminders.Register,
	requests.Register,
	history.Register,
	cases.Register,
	reports.Register, // /export, /report, /reports, /schedule
	profile.Register,
	admin.Register,
}
