package core

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"
)

// Ad hoc reports: an entity's records, filtered as its export would list
// them, grouped by some of their fields, with measures (count, and the sum
// or average of a numeric field) per group; saved as named templates that
// anyone who may build reports can list and run (each run sees what its
// reader may see), and that their owner or an admin deletes.

// ReportField is a field of the ad hoc catalogue: Group fields group
// records, Numeric ones are summed and averaged. LabelKey names it in the
// locales.
type ReportField struct {
	Key, LabelKey  string
	Group, Numeric bool
	// Money: its values are amounts in kopecks.
	Money bool
}

// Limits of a template.
const (
	MaxTemplateName     = 100
	MaxTemplateGroupBy  = 3
	MaxTemplateMeasures = 6
)

// Field keys of the catalogue.
const (
	fieldManager       = "manager"
	fieldAssignee      = "assignee"
	fieldRequester     = "requester"
	fieldUser          = "user"
	fieldStage         = "stage"
	fieldClient        = "client"
	fieldDeal          = "deal"
	fieldMonth         = "month"
	fieldStatus        = "status"
	fieldType          = "type"
	fieldKind          = "kind"
	fieldOutcome       = "outcome"
	fieldEntity        = "entity"
	fieldField         = "field"
	fieldVerification  = "verification"
	fieldCompanyStatus = "company_status"
	fieldAmount        = "amount"
	fieldDaysOverdue   = "days_overdue"
	fieldHoursToDone   = "hours_to_done"
	fieldDaysToSign    = "days_to_sign"
	fieldOpenDeals     = "open_deals"
	fieldOpenAmount    = "open_amount"
)

// reportFields is the catalogue: each entity's groupable and numeric
// fields, in the order /report offers them.
var reportFields = map[ReportEntity][]ReportField{
	ExportClients: {group(fieldManager), group(fieldKind), group(fieldVerification), group(fieldCompanyStatus),
		group(fieldMonth), numeric(fieldOpenDeals, false), numeric(fieldOpenAmount, true)},
	ExportDeals: {group(fieldManager), group(fieldStage), group(fieldClient), group(fieldMonth),
		numeric(fieldAmount, true)},
	ExportTasks: {group(fieldAssignee), group(fieldStatus), group(fieldClient), group(fieldDeal), group(fieldMonth),
		numeric(fieldDaysOverdue, false)},
	ExportDocuments: {group(fieldKind), group(fieldStatus), group(fieldManager), group(fieldClient), group(fieldMonth),
		numeric(fieldDaysToSign, false)},
	ExportRequests: {group(fieldType), group(fieldStatus), group(fieldRequester), group(fieldAssignee),
		group(fieldClient), group(fieldMonth), numeric(fieldHoursToDone, false)},
	ExportControl: {group(fieldUser), group(fieldOutcome), group(fieldKind), group(fieldMonth)},
	ExportChanges: {group(fieldUser), group(fieldEntity), group(fieldField), group(fieldMonth)},
}

func group(key string) ReportField {
	return ReportField{Key: key, LabelKey: "report.field." + key, Group: true}
}

func numeric(key string, money bool) ReportField {
	return ReportField{Key: key, LabelKey: "report.field." + key, Numeric: true, Money: money}
}

// ReportFields lists an entity's fields for ad hoc reports; nil for an
// unknown entity.
func ReportFields(e ReportEntity) []ReportField { return slices.Clone(reportFields[e]) }

// reportField finds a field of an entity.
func reportField(e ReportEntity, key string) (ReportField, bool) {
	i := slices.IndexFunc(reportFields[e], func(f ReportField) bool { return f.Key == key })
	if i < 0 {
		return ReportField{}, false
	}
	return reportFields[e][i], true
}

// validateTemplate checks a template's name, entity, groups and measures,
// and trims its name.
func validateTemplate(t *ReportTemplate) error {
	t.Name = strings.Join(strings.Fields(t.Name), " ")
	switch n := utf8.RuneCountInString(t.Name); {
	case n == 0:
		return Errorf(EINVALID, "err.report.template.name_required")
	case n > MaxTemplateName:
		return Errorf(EINVALID, "err.report.template.name_too_long", "Max", MaxTemplateName)
	}
	return validateTemplateReport(t)
}

// validateTemplateReport checks what a template builds: a built-in report
// with its saved filters (Report set, no entity, grouping or measures), or
// an ad hoc report of an entity.
func validateTemplateReport(t *ReportTemplate) error {
	if t.Report != "" {
		if !slices.Contains(ReportKinds, t.Report) {
			return Errorf(EINVALID, "err.report.kind_unknown", "Kind", string(t.Report))
		}
		t.Entity, t.GroupBy, t.Measures = "", nil, nil
		return nil
	}
	if _, ok := reportFields[t.Entity]; !ok {
		return Errorf(EINVALID, "err.report.template.entity", "Entity", string(t.Entity))
	}
	if t.Filter.Status != "" {
		if _, ok := statusCode(t.Entity, t.Filter.Status); !ok {
			return Errorf(EINVALID, "err.report.template.status", "Status", t.Filter.Status)
		}
	}
	if t.Filter.Stage != "" && t.Entity == ExportChanges {
		return Errorf(EINVALID, "err.report.template.stage")
	}
	if len(t.GroupBy) > MaxTemplateGroupBy {
		return Errorf(EINVALID, "err.report.template.groups_too_many", "Max", MaxTemplateGroupBy)
	}
	for i, key := range t.GroupBy {
		if f, ok := reportField(t.Entity, key); !ok || !f.Group {
			return Errorf(EINVALID, "err.report.template.group_unknown", "Field", key)
		}
		if slices.Contains(t.GroupBy[:i], key) {
			return Errorf(EINVALID, "err.report.template.group_twice", "Field", key)
		}
	}
	switch {
	case len(t.Measures) == 0:
		return Errorf(EINVALID, "err.report.template.measure_required")
	case len(t.Measures) > MaxTemplateMeasures:
		return Errorf(EINVALID, "err.report.template.measures_too_many", "Max", MaxTemplateMeasures)
	}
	for i, m := range t.Measures {
		switch m.Func {
		case MeasureCount:
			if m.Field != "" {
				return Errorf(EINVALID, "err.report.template.count_field", "Field", m.Field)
			}
		case MeasureSum, MeasureAvg:
			if f, ok := reportField(t.Entity, m.Field); !ok || !f.Numeric {
				return Errorf(EINVALID, "err.report.template.measure_field", "Field", m.Field)
			}
		default:
			return Errorf(EINVALID, "err.report.template.measure_unknown", "Func", string(m.Func))
		}
		if slices.Contains(t.Measures[:i], m) {
			return Errorf(EINVALID, "err.report.template.measure_twice", "Field", measureText(m))
		}
	}
	return nil
}

// measureText is a measure as the audit writes it: count, sum(amount).
func measureText(m Measure) string {
	if m.Func == MeasureCount {
		return string(m.Func)
	}
	return string(m.Func) + "(" + m.Field + ")"
}

// filterText is a filter as the audit writes it: its JSON.
func filterText(f ReportFilter) string {
	b, err := json.Marshal(f)
	if err != nil {
		return ""
	}
	if s := string(b); s != "{}" {
		return s
	}
	return ""
}

// diffReportTemplate lists the changed fields of a template.
func diffReportTemplate(a, b *ReportTemplate) []*Change {
	d := &diff{entity: EntityReportTemplate, id: b.ID}
	d.add("name", a.Name, b.Name)
	d.add("report", a.Report, b.Report)
	d.add("entity", a.Entity, b.Entity)
	d.add("filter", filterText(a.Filter), filterText(b.Filter))
	d.add("group_by", strings.Join(a.GroupBy, ", "), strings.Join(b.GroupBy, ", "))
	ms := func(t *ReportTemplate) string {
		out := make([]string, len(t.Measures))
		for i, m := range t.Measures {
			out[i] = measureText(m)
		}
		return strings.Join(out, ", ")
	}
	d.add("measures", ms(a), ms(b))
	d.add("owner_id", a.OwnerID, b.OwnerID)
	d.add("deleted", a.Deleted, b.Deleted)
	return d.changes
}

// mayReport checks that the actor may build reports, as exports: with a
// filter the actor may use (a manager names no one else, a head no other
// team).
func (s *Service) mayReport(tx Tx, a Actor, f ReportFilter) error {
	_, err := s.scopeFilter(tx, a, f)
	return err
}

// visibleTemplate reads a template not deleted; ENOTFOUND otherwise.
func visibleTemplate(tx Tx, id int64) (*ReportTemplate, error) {
	t, err := tx.ReportTemplateByID(id)
	if IsNotFound(err) || err == nil && t.Deleted {
		return nil, Errorf(ENOTFOUND, "err.report.template.not_found", "ID", id)
	}
	return t, err
}

// SaveReportTemplate saves an ad hoc report as a named template: a new one
// (ID 0) becomes the actor's; an existing one is changed by its owner or
// an admin. The name (1–100 characters, unique among the templates: the
// store refuses a taken one with ECONFLICT), the entity, the fields to
// group by and the measures are checked against the catalogue, and the
// filter against what the actor may report on. Audited in the same
// transaction.
func (s *Service) SaveReportTemplate(ctx context.Context, a Actor, t *ReportTemplate) error {
	if err := validateTemplate(t); err != nil {
		return err
	}
	return s.update(ctx, func(tx Tx) error {
		if err := s.mayReport(tx, a, t.Filter); err != nil {
			return err
		}
		t.Deleted = false
		if t.ID == 0 {
			t.OwnerID = a.ID()
			if err := tx.CreateReportTemplate(t); err != nil {
				return err
			}
			return tx.AddChanges(stamp(diffReportTemplate(&ReportTemplate{}, t), a, "created")...)
		}
		old, err := visibleTemplate(tx, t.ID)
		if err != nil {
			return err
		}
		if err := mayChangeTemplate(a, old); err != nil {
			return err
		}
		t.OwnerID, t.CreatedAt = old.OwnerID, old.CreatedAt
		cs := diffReportTemplate(old, t)
		if len(cs) == 0 {
			*t = *old
			return nil
		}
		if err := tx.UpdateReportTemplate(t); err != nil {
			return err
		}
		return tx.AddChanges(stamp(cs, a, "report_template_changed")...)
	})
}

// mayChangeTemplate: a template is its owner's, and any admin's.
func mayChangeTemplate(a Actor, t *ReportTemplate) error {
	if a.User == nil || a.ID() == t.OwnerID || a.User.Role == RoleAdmin {
		return nil
	}
	return Errorf(EFORBIDDEN, "err.report.template.not_owner", "Name", t.Name)
}

// ReportTemplates lists the saved templates, by name, to those who may
// build reports.
func (s *Service) ReportTemplates(ctx context.Context, a Actor) ([]*ReportTemplate, error) {
	var out []*ReportTemplate
	err := s.view(ctx, func(tx Tx) (err error) {
		if err := s.mayReport(tx, a, ReportFilter{}); err != nil {
			return err
		}
		out, err = tx.ReportTemplates()
		return err
	})
	return out, err
}

// ReportTemplateByID returns a saved template to those who may build
// reports; ENOTFOUND for a deleted one.
func (s *Service) ReportTemplateByID(ctx context.Context, a Actor, id int64) (*ReportTemplate, error) {
	var t *ReportTemplate
	err := s.view(ctx, func(tx Tx) (err error) {
		if err := s.mayReport(tx, a, ReportFilter{}); err != nil {
			return err
		}
		t, err = visibleTemplate(tx, id)
		return err
	})
	return t, err
}

// DeleteReportTemplate deletes a template (its owner or an admin): it is
// listed no more, and keeps its number for the audit that names it. The
// active schedules that deliver its report could never succeed again:
// they are stopped in the same transaction, audited, and their owners
// told (TemplateSchedules lists them for the confirmation). Audited.
func (s *Service) DeleteReportTemplate(ctx context.Context, a Actor, id int64) error {
	return s.update(ctx, func(tx Tx) error {
		if err := s.mayReport(tx, a, ReportFilter{}); err != nil {
			return err
		}
		t, err := visibleTemplate(tx, id)
		if err != nil {
			return err
		}
		if err := mayChangeTemplate(a, t); err != nil {
			return err
		}
		old := *t
		t.Deleted = true
		if err := tx.UpdateReportTemplate(t); err != nil {
			return err
		}
		if err := tx.AddChanges(stamp(diffReportTemplate(&old, t), a, "report_template_deleted")...); err != nil {
			return err
		}
		schedules, err := templateSchedules(tx, t.ID)
		if err != nil {
			return err
		}
		for _, sch := range schedules {
			if err := stopSchedule(tx, a, sch, "report_template_deleted"); err != nil {
				return err
			}
			if err := s.notifyUser(tx, sch.OwnerID, Note{Key: "delivery.schedule_template_deleted",
				Args: map[string]any{"ID": sch.ID, "Name": t.Name, "By": describeUser(tx, a.ID())}}); err != nil {
				return err
			}
		}
		return nil
	})
}
