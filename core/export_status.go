package core

import (
	"slices"
	"strings"
)

// The statuses a filter («статус открыта») may name, per entity: the
// words people type in Russian and English, folded (filterFoldPhrase), and the
// status's code in the export. The codes are the entity's own statuses
// (a task's, a document's, a request's), and a few that the export
// computes: open and closed, overdue.

// Status codes the export computes besides the entities' own.
const (
	statusOpen    = "open"    // a deal or request not closed; a task not done or cancelled
	statusClosed  = "closed"  // a deal closed, won or lost; a request done or rejected
	statusOverdue = "overdue" // an open task past its due time; a request past its SLA
	statusLate    = "late"    // a control result given after the reminder's target
)

// statusVocab lists each entity's statuses: the code, then the words.
var statusVocab = map[ReportEntity][][]string{
	ExportClients: {
		{string(Unverified), "не проверен", "не проверена", "не проверены", "непроверенные", "не проводилась",
			"unverified", "not verified"},
		{string(Verified), "проверен", "проверена", "проверены", "проверенные", "пройдена", "verified"},
		{string(ProblemsFound), "проблемы", "найдены проблемы", "с проблемами", "problems", "problems found"},
		{"merged", "объединена", "объединенные", "объединены", "дубль", "дубли", "merged"},
	},
	ExportDeals: {
		{statusOpen, "открыта", "открытые", "открытая", "в работе", "open"},
		{statusClosed, "закрыта", "закрытые", "закрытая", "closed"},
		{string(StageClosedWon), "выиграна", "выигранные", "успех", "закрыта успех", "won", "closed won"},
		{string(StageClosedLost), "проиграна", "проигранные", "отказ", "закрыта отказ", "lost", "closed lost"},
	},
	ExportTasks: {
		{string(TaskOpen), "открыта", "открытые", "открытая", "в работе", "open"},
		{string(TaskDone), "выполнена", "выполненные", "выполнено", "сделана", "done", "completed"},
		{string(TaskCancelled), "отменена", "отмененные", "отменено", "cancelled", "canceled"},
		{statusOverdue, "просрочена", "просроченные", "просрочено", "overdue"},
	},
	ExportDocuments: {
		{string(DocRequested), "запрошен", "запрошенные", "requested"},
		{string(DocDraft), "черновик", "черновики", "draft"},
		{string(DocApproval), "на согласовании", "согласование", "on approval", "approval"},
		{string(DocApproved), "согласован", "согласованные", "approved"},
		{string(DocRework), "на доработке", "доработка", "for rework", "rework"},
		{string(DocRejected), "отклонен", "отклоненные", "rejected"},
		{string(DocSent), "отправлен", "отправленные", "sent"},
		{string(DocSendFailed), "не отправлен", "ошибка отправки", "not sent", "send failed"},
		{string(DocDelivered), "доставлен", "доставленные", "delivered"},
		{string(DocSigned), "подписан", "подписанные", "signed"},
		{string(DocDisagreed), "подписан с разногласиями", "с разногласиями", "signed with disagreements"},
		{string(DocRefused), "отказ", "отказано", "refused"},
		{string(DocOriginal), "оригинал получен", "оригинал", "original received", "original"},
		{string(DocCancelled), "отменен", "отмененные", "cancelled", "canceled"},
	},
	ExportRequests: {
		{string(RequestNew), "новое", "новые", "new"},
		{string(RequestInWork), "в работе", "in work", "in progress"},
		{string(RequestWaiting), "ждет ответа", "ожидает ответа", "waiting", "waiting for an answer"},
		{string(RequestDone), "выполнено", "выполненные", "done"},
		{string(RequestRejected), "отклонено", "отклоненные", "rejected"},
		{statusOpen, "открыто", "открытые", "open"},
		{statusClosed, "закрыто", "закрытые", "closed"},
		{statusOverdue, "просрочено", "просроченные", "overdue"},
	},
	ExportControl: {
		{string(ControlDone), "выполнено", "сделано", "done"},
		{string(ControlSnoozed), "отложено", "snoozed"},
		{string(ControlMoved), "перенесено", "moved"},
		{string(ControlEscalated), "эскалировано", "эскалация", "escalated"},
		{statusLate, "с опозданием", "после срока", "late"},
	},
}

// statusCode returns the code of a status word for an entity, false when
// the entity has no such status.
func statusCode(e ReportEntity, word string) (string, bool) {
	key := filterFoldPhrase(word)
	for _, st := range statusVocab[e] {
		if slices.Contains(st[1:], key) || st[0] == strings.ReplaceAll(key, " ", "_") {
			return st[0], true
		}
	}
	return "", false
}

// anyStatus reports whether a folded phrase is a status of some entity.
func anyStatus(phrase string) bool {
	for e := range statusVocab {
		if _, ok := statusCode(e, phrase); ok {
			return true
		}
	}
	return false
}

// statusCodes lists an entity's status codes in order.
func statusCodes(e ReportEntity) []string {
	out := make([]string, 0, len(statusVocab[e]))
	for _, st := range statusVocab[e] {
		out = append(out, st[0])
	}
	return out
}
