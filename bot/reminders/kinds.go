package reminders

import (
	"strings"

	"github.com/dealdesk/dealdesk/core"
)

// kindNames are the words people use for the kinds of reminders, in both
// languages (lower case, «ё» as «е»), besides the kinds' own names.
var kindNames = map[string]core.ReminderKind{
	"подписание": core.ReminderSigning, "подписания": core.ReminderSigning, "подпись": core.ReminderSigning,
	"sign": core.ReminderSigning, "signings": core.ReminderSigning,

	"оплата": core.ReminderPayment, "оплаты": core.ReminderPayment, "платеж": core.ReminderPayment,
	"платежи": core.ReminderPayment, "платежей": core.ReminderPayment, "payments": core.ReminderPayment,
	"pay": core.ReminderPayment,

	"продление": core.ReminderRenewal, "продления": core.ReminderRenewal, "окончание": core.ReminderRenewal,
	"окончание договора": core.ReminderRenewal, "renewals": core.ReminderRenewal, "contract end": core.ReminderRenewal,

	"мои": core.ReminderCustom, "мои напоминания": core.ReminderCustom, "напоминания": core.ReminderCustom,
	"напоминание": core.ReminderCustom, "личные": core.ReminderCustom, "my": core.ReminderCustom,
	"my reminders": core.ReminderCustom, "reminders": core.ReminderCustom, "reminder": core.ReminderCustom,

	"задачи": core.ReminderTaskDue, "задача": core.ReminderTaskDue, "сроки задач": core.ReminderTaskDue,
	"срок задачи": core.ReminderTaskDue, "tasks": core.ReminderTaskDue, "task": core.ReminderTaskDue,
	"task due": core.ReminderTaskDue,

	"просрочки": core.ReminderOverdue, "просрочка": core.ReminderOverdue, "просроченные": core.ReminderOverdue,
	"просроченные задачи": core.ReminderOverdue, "просрочено": core.ReminderOverdue,

	"эскалации": core.ReminderEscalation, "эскалация": core.ReminderEscalation,
	"escalations": core.ReminderEscalation,

	"сводка": core.ReminderDigest, "сводки": core.ReminderDigest, "утренняя сводка": core.ReminderDigest,
	"дайджест": core.ReminderDigest, "summary": core.ReminderDigest, "digests": core.ReminderDigest,
	"morning digest": core.ReminderDigest,
}

// parseKind reads a kind of reminders by its name in either language.
func parseKind(s string) (core.ReminderKind, bool) {
	s = strings.Join(strings.Fields(normWord(s)), " ")
	if k := core.ReminderKind(s); k.Valid() {
		return k, true
	}
	k, ok := kindNames[s]
	return k, ok
}

// parseLeadKind reads a kind of key-date reminders: signing, payment or
// renewal.
func parseLeadKind(s string) (core.ReminderKind, error) {
	k, ok := parseKind(s)
	if !ok || !k.DealDate() {
		return "", core.Errorf(core.EINVALID, "err.leads.kind", "Text", s)
	}
	return k, nil
}
