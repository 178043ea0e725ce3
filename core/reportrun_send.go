package core

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Sending a report to others: the targets checked, the file built, the
// quality gate run over the records in it; findings hold the run until the
// sender fixes them and checks again, sends anyway with a reason, or
// cancels. A clean run is delivered in the transaction that records it:
// a message with the file and the chart to each chat and person, a durable
// mail to each address (SendDueReportMails sends them).

// Limits of a delivery.
const (
	// MaxReportTargets is how many recipients one run may have.
	MaxReportTargets = 20
	// heldButtons is how many records a held run's note offers as buttons.
	heldButtons = 8
)

// SendReport builds a report as the actor sees the records and sends it to
// the targets: work chats that are bound, active users, e-mail addresses.
// Only who may export (officers, heads, admins) sends to others; a manager
// makes the file for themselves (MakeReport). The quality gate runs over
// the records in the file: with findings the run is held and they are
// returned (HeldNote shows them); clean, it is delivered and its manifest
// audited.
func (s *Service) SendReport(ctx context.Context, a Actor, spec ReportSpec, to []ReportTarget, lang string) (*ReportOutput, error) {
	if a.User == nil || !a.Can(PermExport) {
		return nil, Errorf(EFORBIDDEN, "err.delivery.send_forbidden")
	}
	var targets []ReportTarget
	if err := s.view(ctx, func(tx Tx) (err error) {
		targets, err = s.checkTargets(tx, to)
		return err
	}); err != nil {
		return nil, err
	}
	b, err := s.build(ctx, a, spec, lang, a.User.Location(), true)
	if err != nil {
		return nil, err
	}
	run := &ReportRun{Spec: b.spec, To: targets, By: a.ID(), Lang: lang, Source: a.Source}
	err = s.update(ctx, func(tx Tx) error {
		return s.settleRun(tx, a, run, b, "")
	})
	if err != nil {
		return nil, err
	}
	return b.output(run), nil
}

// RecheckReport builds a held run's report again, as its sender sees the
// records now, and runs the gate again: clean, it is sent; otherwise it
// stays held with the new findings. The sender or an admin may.
func (s *Service) RecheckReport(ctx context.Context, a Actor, runID int64) (*ReportOutput, error) {
	run, b, err := s.rebuild(ctx, a, runID)
	if err != nil {
		return nil, err
	}
	err = s.update(ctx, func(tx Tx) error {
		cur, err := heldRun(tx, a, run.ID)
		if err != nil {
			return err
		}
		run = cur
		return s.settleRun(tx, a, run, b, "")
	})
	if err != nil {
		return nil, err
	}
	return b.output(run), nil
}

// SendReportAnyway sends a held run despite what the gate finds: its
// report built again as its sender sees the records now and delivered
// without waiting for fixes. The reason is required and audited with the
// counts of the findings it overrides. The sender or an admin may.
func (s *Service) SendReportAnyway(ctx context.Context, a Actor, runID int64, reason string) (*ReportOutput, error) {
	reason = strings.Join(strings.Fields(reason), " ")
	if reason == "" {
		return nil, Errorf(EINVALID, "err.delivery.reason_required")
	}
	run, b, err := s.rebuild(ctx, a, runID)
	if err != nil {
		return nil, err
	}
	err = s.update(ctx, func(tx Tx) error {
		cur, err := heldRun(tx, a, run.ID)
		if err != nil {
			return err
		}
		run = cur
		return s.settleRun(tx, a, run, b, reason)
	})
	if err != nil {
		return nil, err
	}
	return b.output(run), nil
}

// CancelReport gives a held run up; the sender or an admin may.
func (s *Service) CancelReport(ctx context.Context, a Actor, runID int64) error {
	return s.update(ctx, func(tx Tx) error {
		run, err := heldRun(tx, a, runID)
		if err != nil {
			return err
		}
		run.Status = RunCancelled
		if err := tx.UpdateReportRun(run); err != nil {
			return err
		}
		return tx.AddChanges(stamp([]*Change{{Entity: EntityReport, EntityID: run.ID, Field: "cancelled",
			Old: string(RunHeld), New: string(RunCancelled) + " · findings: " + countsLine(run.Findings)}}, a, "")...)
	})
}

// heldRun reads a run that is held and that the actor may decide on: its
// sender's or, for anyone else, an admin's.
func heldRun(tx Tx, a Actor, runID int64) (*ReportRun, error) {
	run, err := tx.ReportRunByID(runID)
	if err != nil {
		return nil, err
	}
	if a.User == nil || (a.ID() != run.By && !a.Can(PermAdmin)) {
		return nil, Errorf(EFORBIDDEN, "err.delivery.not_yours")
	}
	if run.Status == RunSuperseded {
		return nil, supersededError(tx, run)
	}
	if run.Status != RunHeld {
		return nil, Errorf(ECONFLICT, "err.delivery.not_held", "Run", run.ID, "Status", string(run.Status))
	}
	return run, nil
}

// supersededError answers a decision on a held run that a newer run of its
// schedule stands for: which run, and when it was made.
func supersededError(tx Tx, run *ReportRun) error {
	newer := int64(0)
	var at time.Time
	if sch, err := tx.ReportScheduleByID(run.ScheduleID); err == nil && sch.LastRunID != run.ID {
		if n, err := tx.ReportRunByID(sch.LastRunID); err == nil {
			newer, at = n.ID, n.CreatedAt
		}
	}
	return Errorf(ECONFLICT, "err.delivery.superseded", "Run", run.ID, "Schedule", run.ScheduleID, "Newer", newer,
		"At", at)
}

// supersede gives up a schedule's older held run when it fires again: the
// newer run (held or sent) stands for it, so the old one can be sent no
// more. Audited. Only the schedule's last run can be held: each firing
// supersedes the one before.
func supersede(tx Tx, a Actor, sch *ReportSchedule, newer *ReportRun) error {
	if sch.LastRunID == 0 || sch.LastRunID == newer.ID {
		return nil
	}
	old, err := tx.ReportRunByID(sch.LastRunID)
	if IsNotFound(err) {
		return nil
	} else if err != nil {
		return err
	}
	if old.Status != RunHeld {
		return nil
	}
	old.Status = RunSuperseded
	if err := tx.UpdateReportRun(old); err != nil {
		return err
	}
	return tx.AddChanges(stamp([]*Change{{Entity: EntityReport, EntityID: old.ID, Field: "superseded",
		Old: string(RunHeld), New: fmt.Sprintf("%s by run #%d · findings: %s", RunSuperseded, newer.ID,
			countsLine(old.Findings))}}, a, "superseded")...)
}

// rebuild builds a held run's report again with the gate, as its sender
// (still allowed to send) sees the records now, in the zone of its
// schedule or of the sender.
func (s *Service) rebuild(ctx context.Context, a Actor, runID int64) (*ReportRun, *built, error) {
	var run *ReportRun
	var sender *User
	loc := time.UTC
	err := s.view(ctx, func(tx Tx) (err error) {
		if run, err = heldRun(tx, a, runID); err != nil {
			return err
		}
		if sender, err = tx.UserByID(run.By); IsNotFound(err) {
			return Errorf(EFORBIDDEN, "err.delivery.sender_gone")
		} else if err != nil {
			return err
		}
		loc = sender.Location()
		if run.ScheduleID != 0 {
			if sch, err := tx.ReportScheduleByID(run.ScheduleID); err == nil {
				loc = Location(sch.TimeZone)
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if !sender.Can(PermExport) {
		return nil, nil, Errorf(EFORBIDDEN, "err.delivery.sender_gone")
	}
	b, err := s.build(ctx, Actor{User: sender, Source: a.Source}, run.Spec, run.Lang, loc, true)
	if err != nil {
		return nil, nil, err
	}
	return run, b, nil
}

// settleRun records a run of b: stored with its file, then held when the gate
// found something and no reason overrides it, else delivered; audited as
// held, or as sent with its manifest (after the override and its reason
// when one is given). A run without an ID is created.
func (s *Service) settleRun(tx Tx, a Actor, run *ReportRun, b *built, override string) error {
	// The recipients are checked again where the run commits: a chat
	// unbound, a user disabled since the send was asked (or the run
	// held) gets nothing. A sender asking now is refused and chooses
	// again; a schedule's run goes to those left, its owner told.
	live, gone, err := s.splitTargets(tx, run.To, b.filter)
	if err != nil {
		return err
	}
	if len(gone) > 0 {
		if run.ScheduleID == 0 || len(live) == 0 {
			return gone[0].Err
		}
		if err := s.dropTargets(tx, a, run, b.body.Title, live, gone); err != nil {
			return err
		}
	}
	run.To = live
	if err := storeBuilt(tx, b); err != nil {
		return err
	}
	if run.ID != 0 { // a held run built again lets go of its previous file and chart
		if err := releaseRunFiles(tx, run); err != nil {
			return err
		}
	}
	b.fill(run)
	var changes []*Change
	if len(b.findings) > 0 && override == "" {
		run.Status = RunHeld
		if err := saveRun(tx, run); err != nil {
			return err
		}
		changes = append(changes, &Change{Entity: EntityReport, EntityID: run.ID, Field: "held",
			New: fmt.Sprintf("findings: %s · file «%s» · rows %d · sha256 %s", countsLine(run.Findings),
				b.file.Name, b.body.Rows, b.file.SHA256)})
		return tx.AddChanges(stamp(changes, a, "")...)
	}
	run.Status, run.SentAt = RunSent, tx.Now()
	if override != "" {
		run.Reason = override
	}
	if err := saveRun(tx, run); err != nil {
		return err
	}
	if override != "" {
		changes = append(changes, &Change{Entity: EntityReport, EntityID: run.ID, Field: "override",
			Old: string(RunHeld), New: "findings: " + countsLine(run.Findings), Reason: override})
	}
	if err := s.deliverRun(tx, run, b); err != nil {
		return err
	}
	changes = append(changes, &Change{Entity: EntityReport, EntityID: run.ID, Field: "sent",
		New: s.manifest(tx, run, b), Reason: override})
	for _, c := range changes {
		c.ActorID, c.Source = a.ID(), a.Source
	}
	return tx.AddChanges(changes...)
}

// saveRun creates a run without an ID, updates one with.
func saveRun(tx Tx, run *ReportRun) error {
	if run.ID == 0 {
		return tx.CreateReportRun(run)
	}
	return tx.UpdateReportRun(run)
}

// deliverRun writes a run's deliveries: to each chat and person a message
// with the file and the chart (by reference: the outbox reads them from
// the store), in the run's language, which is the file's; to each address
// a mail for SendDueReportMails.
func (s *Service) deliverRun(tx Tx, run *ReportRun, b *built) error {
	refs := []FileRef{b.file}
	if b.chart != nil {
		refs = append(refs, *b.chart)
	}
	var files []OutboxFile
	for _, r := range refs {
		files = append(files, OutboxFile{Name: r.Name, MIME: r.MIME, SHA256: r.SHA256})
	}
	args := s.deliveryArgs(tx, run, b)
	note := Note{Key: "report.delivery", Args: args}
	ftx := withFiles(tx, files)
	mails := 0
	for _, t := range run.To {
		var err error
		switch t.Kind {
		case TargetChat:
			err = s.enqueue(ftx, t.Platform, t.ChatID, 0, run.Lang, note)
		case TargetUser:
			err = s.notifyReader(ftx, t.UserID, run.Lang, note)
		case TargetEmail:
			mails++
			err = s.queueReportMail(tx, run, t.Email, mails, refs, args)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// deliveryArgs are the arguments of a delivered report's message and mail.
func (s *Service) deliveryArgs(tx Tx, run *ReportRun, b *built) map[string]any {
	// An export's summary ends with its filters already: each line once.
	var filters []string
	for _, f := range b.filters {
		if !slices.Contains(b.body.Summary, f) {
			filters = append(filters, f)
		}
	}
	return map[string]any{"Title": b.body.Title, "Summary": strings.Join(b.body.Summary, "\n"),
		"Filters": strings.Join(filters, "\n"), "N": b.body.Rows, "File": b.file.Name,
		"Sender": describeUser(tx, run.By), "Run": run.ID, "Scheduled": run.ScheduleID != 0, "Date": tx.Now(),
		"Company": s.docs.company.Name}
}

// notifyReader writes a personal message to an active user in lang (the
// report's language) instead of their own: the file and its summary are
// in it.
func (s *Service) notifyReader(tx Tx, userID int64, lang string, n Note) error {
	u, err := tx.UserByID(userID)
	if err != nil {
		return err
	}
	if !u.Active {
		s.log.Info().Int64("user_id", u.ID).Msg("report to a disabled user not delivered")
		return nil
	}
	reader := *u
	if lang != "" {
		reader.Locale = lang
	}
	return s.notifyIdentities(tx, &reader, n)
}

// checkTargets checks and normalizes a run's recipients: a work chat must
// be bound, a user active, an address valid (and mail configured); the
// same recipient twice counts once.
func (s *Service) checkTargets(tx Tx, to []ReportTarget) ([]ReportTarget, error) {
	if len(to) == 0 {
		return nil, Errorf(EINVALID, "err.delivery.no_targets")
	}
	seen := map[string]bool{}
	var out []ReportTarget
	for _, t := range to {
		t, key, err := s.checkTarget(tx, t)
		if err != nil {
			return nil, err
		}
		if !seen[key] {
			seen[key] = true
			out = append(out, t)
		}
	}
	if len(out) > MaxReportTargets {
		return nil, Errorf(EINVALID, "err.delivery.too_many_targets", "Max", MaxReportTargets)
	}
	return out, nil
}

// checkTarget checks one recipient and returns it normalized with a key
// that names it.
func (s *Service) checkTarget(tx Tx, t ReportTarget) (ReportTarget, string, error) {
	switch t.Kind {
	case TargetChat:
		c, err := tx.WorkChat(t.Platform, t.ChatID)
		if IsNotFound(err) || t.ChatID == "" {
			return t, "", Errorf(EINVALID, "err.delivery.chat_unbound", "Chat", ChatKey(t.Platform, t.ChatID))
		} else if err != nil {
			return t, "", err
		}
		return ReportTarget{Kind: TargetChat, Platform: c.Platform, ChatID: c.ChatID}, "chat:" + ChatKey(c.Platform, c.ChatID), nil
	case TargetUser:
		u, err := tx.UserByID(t.UserID)
		if IsNotFound(err) {
			return t, "", Errorf(EINVALID, "err.delivery.user_unknown", "ID", t.UserID)
		} else if err != nil {
			return t, "", err
		}
		if !u.Active {
			return t, "", Errorf(EINVALID, "err.delivery.user_inactive", "Name", u.Name)
		}
		return ReportTarget{Kind: TargetUser, UserID: u.ID}, "user:" + strconv.FormatInt(u.ID, 10), nil
	case TargetEmail:
		if s.docs.mailer == nil {
			return t, "", Errorf(EUNAVAILABLE, "err.delivery.mail_unavailable")
		}
		e, err := NormalizeEmail(t.Email)
		if err != nil {
			return t, "", err
		}
		return ReportTarget{Kind: TargetEmail, Email: e}, "email:" + strings.ToLower(e), nil
	}
	return t, "", Errorf(EINVALID, "err.delivery.target_unknown", "Kind", string(t.Kind))
}

// ReportTargets lists where the actor may send reports: the bound work
// chats, the heads' first, then the team's, the officers' and the
// lawyers'. The chats' titles are read with WorkChat.
func (s *Service) ReportTargets(ctx context.Context, a Actor) ([]ReportTarget, error) {
	if !a.Can(PermExport) {
		return nil, Errorf(EFORBIDDEN, "err.delivery.send_forbidden")
	}
	var out []ReportTarget
	err := s.view(ctx, func(tx Tx) error {
		for _, p := range []ChatPurpose{PurposeHeads, PurposeTeam, PurposeOfficers, PurposeLawyers} {
			chats, err := tx.WorkChatsByPurpose(p)
			if err != nil {
				return err
			}
			for _, c := range chats {
				out = append(out, ReportTarget{Kind: TargetChat, Platform: c.Platform, ChatID: c.ChatID})
			}
		}
		return nil
	})
	return out, err
}

// maxHeldLines is how many findings a held run's note lists one by one;
// the rest are counted.
const maxHeldLines = 30

// HeldNote is the message about a held run, in lang: which report, for
// whom (and of which schedule, for which date), what the gate found —
// counted by kind, then each finding's record and kind (up to thirty, the
// rest counted) — the records as buttons (up to eight) that open them,
// and the choices: check again, send with a reason, cancel.
func (s *Service) HeldNote(lang string, out *ReportOutput) Note {
	var n Note
	if err := s.view(context.Background(), func(tx Tx) error {
		n = s.heldNote(tx, lang, out)
		return nil
	}); err != nil {
		return s.heldNote(nil, lang, out)
	}
	return n
}

// heldNote is HeldNote in a transaction (nil: the recipients unnamed).
func (s *Service) heldNote(tx Tx, lang string, out *ReportOutput) Note {
	counts := countFindings(out.Findings)
	if counts == nil && out.Run != nil {
		counts = out.Run.Findings
	}
	var lines []string
	total := 0
	for _, k := range orderedKinds(counts) {
		total += counts[k]
		lines = append(lines, s.text(lang, "delivery.held.kind", map[string]any{
			"Kind": s.text(lang, "delivery.quality."+string(k), nil), "N": counts[k]}))
	}
	var found []string
	for _, f := range out.Findings {
		if len(found) == maxHeldLines {
			break
		}
		found = append(found, s.text(lang, "delivery.held.finding", map[string]any{
			"Record": s.findingLabel(lang, f), "Kind": s.text(lang, "delivery.quality."+string(f.Kind), nil)}))
	}
	var buttons [][]ButtonSpec
	seen := map[string]bool{}
	for _, f := range out.Findings {
		b, ok := s.findingButton(lang, f)
		key := string(f.Entity) + ":" + b.Payload
		if !ok || seen[key] {
			continue
		}
		if len(seen) == heldButtons {
			break
		}
		seen[key] = true
		buttons = append(buttons, []ButtonSpec{b})
	}
	args := map[string]any{"Title": out.Title, "N": total, "Kinds": strings.Join(lines, "\n"),
		"Findings": strings.Join(found, "\n"), "Rest": len(out.Findings) - len(found),
		"Records": len(distinctRecords(out.Findings)), "Buttons": len(seen)}
	runID := ""
	if run := out.Run; run != nil {
		runID = strconv.FormatInt(run.ID, 10)
		args["Schedule"], args["Date"] = run.ScheduleID, run.CreatedAt
		if tx != nil {
			args["To"] = s.targetWords(tx, lang, run.To)
		}
	}
	args["Run"] = runID
	buttons = append(buttons, []ButtonSpec{
		{LabelKey: "btn.delivery.recheck", Action: ActionReportRecheck, Payload: runID},
		{LabelKey: "btn.delivery.override", Action: ActionReportOverride, Payload: runID},
		{LabelKey: "btn.delivery.cancel", Action: ActionReportCancel, Payload: runID}})
	return Note{Key: "report.held", Args: args, Buttons: buttons}
}

// findingLabel names a finding's record as its button does: a card by
// name, a deal by number, «обращение #12».
func (s *Service) findingLabel(lang string, f QualityFinding) string {
	if b, ok := s.findingButton(lang, f); ok {
		return b.Label
	}
	if f.Label != "" {
		return f.Label
	}
	return fmt.Sprintf("#%d", f.ID)
}

// targetWords names recipients for a person, in lang: a work chat by its
// title, a colleague by name, an address as it is.
func (s *Service) targetWords(tx Tx, lang string, to []ReportTarget) string {
	var out []string
	for _, t := range to {
		out = append(out, s.targetWord(tx, lang, t))
	}
	return strings.Join(out, ", ")
}

// targetWord names one recipient for a person.
func (s *Service) targetWord(tx Tx, lang string, t ReportTarget) string {
	switch t.Kind {
	case TargetChat:
		title := ChatKey(t.Platform, t.ChatID)
		if c, err := tx.WorkChat(t.Platform, t.ChatID); err == nil && c.Title != "" {
			title = c.Title
		}
		return s.text(lang, "delivery.target.chat", map[string]any{"Title": title})
	case TargetUser:
		return describeUser(tx, t.UserID)
	}
	return t.Email
}

// goneTarget is a recipient that can no longer receive a run, and why.
type goneTarget struct {
	Target ReportTarget
	Err    error
}

// goneKeys are the refusals of a recipient that was fine once: a chat
// unbound (or moved), a user disabled or removed, or one who may not see
// what the report holds.
var goneKeys = []string{"err.delivery.chat_unbound", "err.delivery.user_unknown", "err.delivery.user_inactive",
	"err.delivery.cannot_see", "err.delivery.chat_cannot_see"}

// splitTargets checks a run's recipients in tx against what its file
// holds (f, the filter it was built with): those that may receive it,
// normalized and each once, and those gone with why. Any other refusal
// (mail not set up, a bad address) is the error.
func (s *Service) splitTargets(tx Tx, to []ReportTarget, f ReportFilter) (live []ReportTarget, gone []goneTarget, err error) {
	seen := map[string]bool{}
	for _, t := range to {
		n, key, err := s.checkTarget(tx, t)
		if err == nil {
			err = mayReceive(tx, n, f)
		}
		if err != nil {
			if k, _ := ErrorKey(err); slices.Contains(goneKeys, k) {
				gone = append(gone, goneTarget{Target: t, Err: err})
				continue
			}
			return nil, nil, err
		}
		if !seen[key] {
			seen[key] = true
			live = append(live, n)
		}
	}
	return live, gone, nil
}

// mayReceive refuses a recipient who may not see the records of a file
// built with filter f. Who sees every deal (officers, heads, lawyers,
// underwriters, admins) may receive any report; a manager only one of
// their own records; the team's work chat, where the managers are, only a
// report of one manager's records. Chats of heads, officers and lawyers,
// and e-mail (a deliberate, audited act), may receive any.
func mayReceive(tx Tx, t ReportTarget, f ReportFilter) error {
	switch t.Kind {
	case TargetUser:
		u, err := tx.UserByID(t.UserID)
		if err != nil {
			return err
		}
		if u.Can(PermViewAllDeals) || (f.ManagerID == u.ID && u.Active) {
			return nil
		}
		return Errorf(EFORBIDDEN, "err.delivery.cannot_see", "Name", u.Name)
	case TargetChat:
		c, err := tx.WorkChat(t.Platform, t.ChatID)
		if err != nil {
			return err
		}
		if c.Purpose == PurposeTeam && f.ManagerID == 0 {
			title := c.Title
			if title == "" {
				title = ChatKey(c.Platform, c.ChatID)
			}
			return Errorf(EFORBIDDEN, "err.delivery.chat_cannot_see", "Chat", title)
		}
	}
	return nil
}

// dropTargets takes the recipients gone out of a schedule's run and out
// of the schedule itself, audited, and tells the owner once which and
// why: the run goes to those left (live).
func (s *Service) dropTargets(tx Tx, a Actor, run *ReportRun, title string, live []ReportTarget, gone []goneTarget) error {
	sch, err := tx.ReportScheduleByID(run.ScheduleID)
	if err != nil && !IsNotFound(err) {
		return err
	}
	if sch != nil {
		old := describeTargets(tx, sch.To)
		sch.To = withoutGone(sch.To, gone)
		if err := tx.UpdateReportSchedule(sch); err != nil {
			return err
		}
		if err := tx.AddChanges(stamp([]*Change{{Entity: EntityReportSchedule, EntityID: sch.ID, Field: "to",
			Old: old, New: describeTargets(tx, sch.To)}}, a, "targets_gone")...); err != nil {
			return err
		}
	}
	owner, err := tx.UserByID(run.By)
	if err != nil {
		return err
	}
	var lines []string
	for _, g := range gone {
		key, args := ErrorKey(g.Err)
		lines = append(lines, s.text(owner.Locale, "delivery.target.gone", map[string]any{
			"Target": s.targetWord(tx, owner.Locale, g.Target), "Why": s.text(owner.Locale, key, args)}))
	}
	return s.notifyUser(tx, owner.ID, Note{Key: "delivery.targets_dropped", Args: map[string]any{
		"Title": title, "Schedule": run.ScheduleID, "Gone": strings.Join(lines, "\n"),
		"To": s.targetWords(tx, owner.Locale, live)}})
}

// withoutGone is to without the recipients gone.
func withoutGone(to []ReportTarget, gone []goneTarget) []ReportTarget {
	return slices.DeleteFunc(slices.Clone(to), func(t ReportTarget) bool {
		return slices.ContainsFunc(gone, func(g goneTarget) bool { return g.Target == t })
	})
}

// moveChatTargets follows a moved chat (a Telegram group that became a
// supergroup) in the recipients of the active schedules and the held
// runs, audited as the platform's doing.
func moveChatTargets(tx Tx, platform, oldID, newID string) error {
	move := func(to []ReportTarget) ([]ReportTarget, bool) {
		moved := false
		out := slices.Clone(to)
		for i, t := range out {
			if t.Kind == TargetChat && t.Platform == platform && t.ChatID == oldID {
				out[i].ChatID, moved = newID, true
			}
		}
		return out, moved
	}
	from, to := ChatKey(platform, oldID), ChatKey(platform, newID)
	schedules, err := tx.ReportSchedules()
	if err != nil {
		return err
	}
	var changes []*Change
	for _, sch := range schedules {
		if !sch.Active {
			continue
		}
		moved, ok := move(sch.To)
		if !ok {
			continue
		}
		sch.To = moved
		if err := tx.UpdateReportSchedule(sch); err != nil {
			return err
		}
		changes = append(changes, &Change{Entity: EntityReportSchedule, EntityID: sch.ID, Field: "to",
			Old: "chat " + from, New: "chat " + to, Reason: "chat moved", Source: "platform"})
	}
	var held []*ReportRun
	if err := tx.EachReportRun(0, func(r *ReportRun) error {
		if r.Status == RunHeld {
			if moved, ok := move(r.To); ok {
				r.To = moved
				held = append(held, r)
			}
		}
		return nil
	}); err != nil {
		return err
	}
	for _, r := range held {
		if err := tx.UpdateReportRun(r); err != nil {
			return err
		}
		changes = append(changes, &Change{Entity: EntityReport, EntityID: r.ID, Field: "to",
			Old: "chat " + from, New: "chat " + to, Reason: "chat moved", Source: "platform"})
	}
	if len(changes) == 0 {
		return nil
	}
	return tx.AddChanges(changes...)
}

// TemplateSchedules lists the active schedules that deliver a template's
// report, for the confirmation of its deletion (which stops them): who
// may delete the template may see them.
func (s *Service) TemplateSchedules(ctx context.Context, a Actor, templateID int64) ([]*ReportSchedule, error) {
	var out []*ReportSchedule
	err := s.view(ctx, func(tx Tx) (err error) {
		if err := s.mayReport(tx, a, ReportFilter{}); err != nil {
			return err
		}
		t, err := visibleTemplate(tx, templateID)
		if err != nil {
			return err
		}
		if err := mayChangeTemplate(a, t); err != nil {
			return err
		}
		out, err = templateSchedules(tx, templateID)
		return err
	})
	return out, err
}

// templateSchedules are the active schedules of a template's report.
func templateSchedules(tx Tx, templateID int64) ([]*ReportSchedule, error) {
	all, err := tx.ReportSchedules()
	if err != nil {
		return nil, err
	}
	var out []*ReportSchedule
	for _, sch := range all {
		if sch.Active && sch.Spec.TemplateID == templateID {
			out = append(out, sch)
		}
	}
	return out, nil
}

// findingButton is the button that opens a finding's record: a card, a
// deal or a request («обращение #12»), by its number.
func (s *Service) findingButton(lang string, f QualityFinding) (ButtonSpec, bool) {
	var action string
	switch f.Entity {
	case EntityClient:
		action = ActionClientShow
	case EntityDeal:
		action = ActionDealShow
	case EntityRequest:
		action = ActionRequestShow
	default:
		return ButtonSpec{}, false
	}
	label := f.Label
	if label == "" {
		label = fmt.Sprintf("#%d", f.ID)
	}
	if f.Entity == EntityRequest {
		label = s.text(lang, "entity.request", nil) + " " + label
	}
	return ButtonSpec{Label: label, Action: action, Payload: strconv.FormatInt(f.ID, 10)}, true
}

// distinctRecords are the records the findings name, each once.
func distinctRecords(fs []QualityFinding) map[string]bool {
	m := map[string]bool{}
	for _, f := range fs {
		m[string(f.Entity)+":"+strconv.FormatInt(f.ID, 10)] = true
	}
	return m
}
