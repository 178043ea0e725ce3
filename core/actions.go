package core

// Button actions. A button carries an opaque token; the action it stands
// for is one of these names, declared once: core issues some of them in
// notifications and the chat layer's use cases register a handler for
// each (a test checks that every one is registered).
const (
	ActionClientNew    = "client.new"
	ActionDealNew      = "deal.new"
	ActionDealShow     = "deal.show"
	ActionTaskNew      = "task.new"
	ActionTaskDone     = "task.done"
	ActionHistoryShow  = "history.show"
	ActionIntakeVerify = "intake.verify"
	ActionIntakeApply  = "intake.apply"
	ActionIntakeReturn = "intake.return"
	ActionIntakeKeep   = "intake.keep"
	ActionDriftAccept  = "drift.accept"
	ActionDriftTask    = "drift.task"
	ActionMergePair    = "merge.pair"
	ActionMergeConfirm = "merge.confirm"
	// ActionDealStage moves a deal to another stage (forward, back with a
	// reason, closed won or lost, reopened).
	ActionDealStage = "deal.stage"
	// ActionDealEdit and ActionClientEdit start editing a deal's or a
	// card's field; ActionClientShow opens a card.
	ActionDealEdit   = "deal.edit"
	ActionClientEdit = "client.edit"
	ActionClientShow = "client.show"
	// ActionHistoryMore pages back to earlier history entries.
	ActionHistoryMore = "history.more"
	// Documents (issue 9): ask for a document of a deal, take the request,
	// produce a version, submit it for approval, a lawyer's three
	// decisions (the payload names the version: DocPayload), send it by
	// email or EDO, mark it signed on paper or its original received, and
	// show it.
	ActionDocRequest     = "doc.request"
	ActionDocTake        = "doc.take"
	ActionDocProduce     = "doc.produce"
	ActionDocSubmit      = "doc.submit"
	ActionDocApprove     = "doc.approve"
	ActionDocRework      = "doc.rework"
	ActionDocReject      = "doc.reject"
	ActionDocSend        = "doc.send"
	ActionDocPaperSigned = "doc.paper_signed"
	ActionDocOriginal    = "doc.original"
	ActionDocShow        = "doc.show"
	// Reminders and control (issue 10): a fired reminder's answers (the
	// payload is the reminder's id; snooze adds the delay: ReminderPayload),
	// and opening one reminder of a merged message.
	ActionReminderDone     = "reminder.done"
	ActionReminderSnooze   = "reminder.snooze"
	ActionReminderMove     = "reminder.move"
	ActionReminderEscalate = "reminder.escalate"
	ActionReminderOpen     = "reminder.open"
	// ActionReminderCancel cancels one's own custom reminder;
	// ActionReminderRetime corrects its time right after /remind echoed it.
	ActionReminderCancel = "reminder.cancel"
	ActionReminderRetime = "reminder.retime"
	// Requests (issue 11): file one about a card, a deal or a document (the
	// payload names it: "client:12"), take it, pass it to another officer,
	// ask the requester, answer the question, mark it done or reject it,
	// and show it (the payload is the request's number).
	ActionRequestNew    = "request.new"
	ActionRequestTake   = "request.take"
	ActionRequestPass   = "request.pass"
	ActionRequestAsk    = "request.ask"
	ActionRequestAnswer = "request.answer"
	ActionRequestDone   = "request.done"
	ActionRequestReject = "request.reject"
	ActionRequestShow   = "request.show"
	// Corrections: start one from a card (payload "client:12" or "deal:5"),
	// approve or reject a sensitive one (payload: the correction's id),
	// and roll back an audited change (payload: the change's id).
	ActionFixStart     = "fix.start"
	ActionFixApprove   = "fix.approve"
	ActionFixReject    = "fix.reject"
	ActionChangeRevert = "change.revert"
	// Case discussions: open one from a deal or a card (payload "deal:5"),
	// show one, and close it (asks for the resolution).
	ActionCaseOpen  = "case.open"
	ActionCaseShow  = "case.show"
	ActionCaseClose = "case.close"
	// Reports: send a file just built to others (payload: the run it was,
	// its title and spec — the report is built again when sent, so the
	// quality gate sees the records as they are then), a held run's
	// choices — check again after a fix, send anyway with a reason, give
	// up (payload: the run's id) — run a saved template, delete it, and
	// stop a schedule (payload: the template's or schedule's id). Payloads
	// are kept on the server with the button's token, never in the chat.
	ActionReportSend     = "report.send"
	ActionReportRecheck  = "report.recheck"
	ActionReportOverride = "report.override"
	ActionReportCancel   = "report.cancel"
	ActionReportRun      = "report.run"
	ActionReportDelete   = "report.delete"
	ActionScheduleStop   = "schedule.stop"
	// ActionReportSave saves the report a file was built from (a built-in
	// one with its filters, or the /report builder's) as a template: it
	// asks the name (payload: the template to save).
	ActionReportSave = "report.save"
)

// Actions lists every button action.
var Actions = []string{
	ActionClientNew, ActionDealNew, ActionDealShow, ActionTaskNew, ActionTaskDone, ActionHistoryShow,
	ActionIntakeVerify, ActionIntakeApply, ActionIntakeReturn, ActionIntakeKeep,
	ActionDriftAccept, ActionDriftTask, ActionMergePair, ActionMergeConfirm,
	ActionDealStage, ActionDealEdit, ActionClientEdit, ActionClientShow, ActionHistoryMore,
	ActionDocRequest, ActionDocTake, ActionDocProduce, ActionDocSubmit, ActionDocApprove, ActionDocRework,
	ActionDocReject, ActionDocSend, ActionDocPaperSigned, ActionDocOriginal, ActionDocShow,
	ActionReminderDone, ActionReminderSnooze, ActionReminderMove, ActionReminderEscalate, ActionReminderOpen,
	ActionReminderCancel, ActionReminderRetime,
	ActionRequestNew, ActionRequestTake, ActionRequestPass, ActionRequestAsk, ActionRequestAnswer, ActionRequestDone,
	ActionRequestReject, ActionRequestShow,
	ActionFixStart, ActionFixApprove, ActionFixReject, ActionChangeRevert,
	ActionCaseOpen, ActionCaseShow, ActionCaseClose,
	ActionReportSend, ActionReportRecheck, ActionReportOverride, ActionReportCancel, ActionReportRun,
	ActionReportDelete, ActionScheduleStop, ActionReportSave,
}
