package main

import (
	"context"
	"time"
)

// reminderJobs are the reminders' periodic jobs. gocron runs only these
// ticks; no reminder has a job of its own: each tick fires what the store's
// due index holds (core.FireDueReminders).
func (m *Main) reminderJobs() []job {
	return []job{
		// Due reminders, alerts, escalations and digests.
		{Name: "remind_tick", Every: m.Config.RemindTick, Run: m.Service.FireDueReminders},
		// Each user's next morning digest (a new user's within the hour).
		{Name: "ensure_digests", Every: time.Hour, Run: m.Service.EnsureDigests},
		// In December, the admins are told once a day when next year's
		// production calendar is missing.
		{Name: "calendar_check", Every: time.Hour, Run: m.Service.CheckCalendar},
	}
}

// startReminders runs at start, before the jobs: the production calendar
// gets the years admins loaded, reminders missed while DealDesk was down
// fire now (late, merged by person), and digests are scheduled.
func (m *Main) startReminders(ctx context.Context) error {
	if err := m.Service.RestoreCalendar(ctx); err != nil {
		return err
	}
	for _, j := range m.reminderJobs() {
		m.runJob(ctx, j)
	}
	return nil
}

// allJobs is every periodic job DealDesk schedules.
func (m *Main) allJobs() []job {
	return append(append(append(m.jobs(), m.docJobs()...), m.reminderJobs()...), m.reportJobs()...)
}
