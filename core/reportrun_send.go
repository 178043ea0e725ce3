package core

import (
	"context"
	"fmt"
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
	if run.Status != RunHeld {
		return nil, Errorf(ECONFLICT, "err.delivery.not_held", "Run", run.ID, "Status", string(run.Status))
	}
	return run, nil
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
	if err := storeBuilt(tx, b); err != nil {
		return err
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
	return map[string]any{"Title": b.body.Title, "Summary": strings.Join(b.body.Summary, "\n"),
		"Filters": strings.Join(b.filters, "\n"), "N": b.body.Rows, "File": b.file.Name,
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

// HeldNote is the message about a held run, in lang: what the gate found,
// counted by kind, the records as buttons (up to eight) that open them,
// and the choices: check again, send with a reason, cancel.
func (s *Service) HeldNote(lang string, out *ReportOutput) Note {
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
	runID := ""
	if out.Run != nil {
		runID = strconv.FormatInt(out.Run.ID, 10)
	}
	buttons = append(buttons, []ButtonSpec{
		{LabelKey: "btn.delivery.recheck", Action: ActionReportRecheck, Payload: runID},
		{LabelKey: "btn.delivery.override", Action: ActionReportOverride, Payload: runID},
		{LabelKey: "btn.delivery.cancel", Action: ActionReportCancel, Payload: runID}})
	return Note{Key: "report.held", Args: map[string]any{"Title": out.Title, "Run": runID, "N": total,
		"Kinds": strings.Join(lines, "\n"), "Records": len(distinctRecords(out.Findings)),
		"More": len(distinctRecords(out.Findings)) - len(seen)}, Buttons: buttons}
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
