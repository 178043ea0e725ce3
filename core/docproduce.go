package core

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MIME types of the files documents are made of.
const (
	MIMEDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	MIMEPDF  = "application/pdf"
)

// NewFileRef describes a file's content: its SHA-256, name, type and size.
func NewFileRef(name, mime string, data []byte) FileRef {
	sum := sha256.Sum256(data)
	return FileRef{SHA256: hex.EncodeToString(sum[:]), Name: name, MIME: mime, Size: int64(len(data))}
}

// producible reports whether a new version of a document may be made in
// its status: before it went out, and not rejected or cancelled.
func producible(st DocStatus) bool {
	return slices.Contains([]DocStatus{DocRequested, DocDraft, DocRework, DocApproval, DocApproved}, st)
}

// ProduceDocument makes a new version of a document from its kind's
// template: the check before producing must find nothing missing, and
// every warning must be in override, with a reason (both audited). The
// template is filled and converted to PDF (when a converter is configured;
// a failed conversion leaves the DOCX alone and the version says so)
// before anything is written; then, in one transaction, the files are
// stored by their SHA-256 and the version added, the document becomes a
// draft (taken by the actor when nobody had), and the deal's manager is
// told. A document that changed meanwhile is ECONFLICT.
func (s *Service) ProduceDocument(ctx context.Context, a Actor, docID int64, override []string, reason string) (*Document, error) {
	if err := a.require(PermDocuments); err != nil {
		return nil, err
	}
	if s.docs.engine == nil {
		return nil, Errorf(EUNAVAILABLE, "err.doc.engine_unavailable")
	}
	reason = strings.TrimSpace(reason)
	var in *docInputs
	var check *DocCheck
	var now time.Time
	err := s.view(ctx, func(tx Tx) (err error) {
		now = tx.Now()
		if in, err = s.loadDocInputs(tx, a, docID, true); err != nil {
			return err
		}
		if err := checkProducible(in.doc); err != nil {
			return err
		}
		if err := checkDealOpen(in.deal); err != nil {
			return err
		}
		check = s.checkInputs(in, now)
		return checkOverride(check, override, reason)
	})
	if err != nil {
		return nil, err
	}
	v, files, err := s.render(ctx, in, check, now)
	if err != nil {
		return nil, err
	}
	v.CreatedBy = a.ID()
	if len(check.Warnings) > 0 {
		v.Overridden, v.Reason = check.WarningIDs(), reason
	}
	return s.updateDocument(ctx, a, docID, func(tx Tx, d *Document, deal *Deal) error {
		if len(d.Versions) != len(in.doc.Versions) || d.Status != in.doc.Status {
			return Errorf(ECONFLICT, "err.doc.changed", "Number", d.Number)
		}
		if err := checkDealOpen(deal); err != nil {
			return err
		}
		return s.addVersion(tx, a, d, deal, v, files)
	})
}

// checkProducible returns an error unless a new version may be made now.
func checkProducible(d *Document) error {
	if !producible(d.Status) {
		return Errorf(ECONFLICT, "err.doc.closed", "Number", d.Number, "Status", string(d.Status))
	}
	if d.SendID != 0 {
		return Errorf(ECONFLICT, "err.doc.sending", "Number", d.Number)
	}
	return nil
}

// render fills the template and converts the result to PDF, outside any
// transaction: it returns the version (without its author) and the files'
// contents by SHA-256.
func (s *Service) render(ctx context.Context, in *docInputs, check *DocCheck, now time.Time) (DocVersion, map[string][]byte, error) {
	n := len(in.doc.Versions) + 1
	values := DocValuesFor(in.client, in.deal, s.docs.company, in.manager, in.doc, n, now, check.VAT)
	ContractValues(values, in.dealDocs)
	docx, err := s.docs.engine.Fill(in.file, values)
	if err != nil {
		return DocVersion{}, nil, Wrap(EINTERNAL, "err.doc.fill_failed", err, "Number", in.doc.Number)
	}
	v := DocVersion{N: n, TemplateID: in.template.ID, DOCX: NewFileRef(in.doc.Number+".docx", MIMEDOCX, docx),
		VAT: check.VAT}
	files := map[string][]byte{v.DOCX.SHA256: docx}
	switch {
	case s.docs.pdf == nil:
		v.NoPDF = PDFUnavailable
	default:
		pdf, err := s.docs.pdf.ConvertPDF(ctx, docx, in.doc.Number)
		if err != nil {
			s.log.Warn().Err(err).Str("number", in.doc.Number).Msg("PDF conversion failed; the DOCX stands alone")
			v.NoPDF = PDFFailed
			break
		}
		ref := NewFileRef(in.doc.Number+".pdf", MIMEPDF, pdf)
		v.PDF, files[ref.SHA256] = &ref, pdf
	}
	return v, files, nil
}

// addVersion stores the files and the new version, makes the document a
// draft (taken by the actor when nobody had), audited, and tells the
// deal's manager.
func (s *Service) addVersion(tx Tx, a Actor, d *Document, deal *Deal, v DocVersion, files map[string][]byte) error {
	for _, ref := range []*FileRef{&v.DOCX, v.PDF} {
		if ref == nil {
			continue
		}
		if err := tx.PutFile(*ref, files[ref.SHA256]); err != nil {
			return err
		}
	}
	if d.OfficerID == 0 && a.User != nil {
		if err := s.take(tx, a, d, deal); err != nil {
			return err
		}
	}
	old := *d
	v.CreatedAt = tx.Now()
	d.Versions = append(slices.Clone(d.Versions), v)
	d.Status, d.Remark = DocDraft, ""
	if err := tx.UpdateDocument(d); err != nil {
		return err
	}
	if err := tx.AddChanges(stamp(diffDocument(&old, d), a, "produced")...); err != nil {
		return err
	}
	if len(v.Overridden) > 0 {
		if err := tx.AddChanges(stamp([]*Change{{Entity: EntityDocument, EntityID: d.ID, Field: "overridden",
			New: strings.Join(v.Overridden, ", ")}}, a, v.Reason)...); err != nil {
			return err
		}
	}
	args := docNoteArgs(tx, d, deal, a)
	args["NoPDF"] = v.NoPDF
	return s.notifyDoc(tx, d, deal, a, Note{Key: "notify.doc.produced", Args: args, Buttons: showButton(d)})
}

// DocPayload is the payload of a decision button: the document and the
// version it is about.
func DocPayload(id int64, version int) string {
	return strconv.FormatInt(id, 10) + "." + strconv.Itoa(version)
}

// ParseDocPayload reads a payload written by DocPayload.
func ParseDocPayload(s string) (id int64, version int, err error) {
	a, b, ok := strings.Cut(s, ".")
	id, err1 := strconv.ParseInt(a, 10, 64)
	version, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || id <= 0 || version <= 0 {
		return 0, 0, fmt.Errorf("core: bad document payload %q", s)
	}
	return id, version, nil
}

// SubmitForApproval sends a draft to the lawyers: its current version,
// with the DOCX and PDF attached, is posted to the lawyers' work chat (or
// to each lawyer) with the buttons Согласовать, На доработку and
// Отклонить, which name the version. The document is on approval. With
// no lawyers' chat and no active lawyer it is refused (nobody would
// decide) unless the actor decides themselves, and so is a document of a
// closed deal.
func (s *Service) SubmitForApproval(ctx context.Context, a Actor, docID int64) (*Document, error) {
	if err := a.require(PermDocuments); err != nil {
		return nil, err
	}
	return s.updateDocument(ctx, a, docID, func(tx Tx, d *Document, deal *Deal) error {
		v := d.Current()
		switch {
		case v == nil || d.Status == DocRework || d.Status == DocRequested:
			return Errorf(ECONFLICT, "err.doc.produce_first", "Number", d.Number)
		case d.Status != DocDraft:
			return Errorf(ECONFLICT, "err.doc.not_draft", "Number", d.Number, "Status", string(d.Status))
		}
		if err := checkDealOpen(deal); err != nil {
			return err
		}
		if ok, err := s.reachable(tx, PurposeLawyers, RoleLawyer); err != nil || !ok && !a.Can(PermApprove) {
			if err == nil {
				err = Errorf(ECONFLICT, "err.doc.no_lawyers", "Number", d.Number)
			}
			return err
		}
		old := *d
		d.Status = DocApproval
		if err := tx.UpdateDocument(d); err != nil {
			return err
		}
		if err := tx.AddChanges(stamp(diffDocument(&old, d), a, "submitted")...); err != nil {
			return err
		}
		files := versionRefs(v)
		args := docNoteArgs(tx, d, deal, a)
		args["Comment"], args["NoPDF"] = d.Comment, v.NoPDF
		p := DocPayload(d.ID, v.N)
		n := Note{Key: "notify.doc.approval", Args: args, Buttons: [][]ButtonSpec{
			{{LabelKey: "btn.doc.approve", Action: ActionDocApprove, Payload: p}},
			{{LabelKey: "btn.doc.rework", Action: ActionDocRework, Payload: p},
				{LabelKey: "btn.doc.reject", Action: ActionDocReject, Payload: p}}}}
		return s.notifyRole(withFiles(tx, files), PurposeLawyers, RoleLawyer, n)
	})
}

// versionRefs are a version's files for a message, by reference: the
// outbox worker reads them when it delivers the message (a version's
// files are stored with it, in the same transaction, and never change).
func versionRefs(v *DocVersion) []OutboxFile {
	var out []OutboxFile
	for _, ref := range v.FileRefs() {
		out = append(out, OutboxFile{Name: ref.Name, MIME: ref.MIME, SHA256: ref.SHA256})
	}
	return out
}

// versionFiles reads the content of a version's files, in the order of
// versionRefs: for an email, whose attachments leave DealDesk as bytes.
func versionFiles(tx Tx, v *DocVersion) ([]OutboxFile, error) {
	var out []OutboxFile
	for _, ref := range v.FileRefs() {
		data, err := tx.File(ref.SHA256)
		if err != nil {
			return nil, err
		}
		out = append(out, OutboxFile{Name: ref.Name, MIME: ref.MIME, Data: data})
	}
	return out, nil
}

// DocumentFile returns a file of a document the actor may see: the
// content and its reference. A SHA-256 that is none of the document's
// files is ENOTFOUND.
func (s *Service) DocumentFile(ctx context.Context, a Actor, docID int64, sha string) ([]byte, FileRef, error) {
	if err := a.require(PermViewDeals); err != nil {
		return nil, FileRef{}, err
	}
	var data []byte
	var ref FileRef
	err := s.view(ctx, func(tx Tx) error {
		d, _, err := visibleDocument(tx, a, docID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(d.Files(), func(f FileRef) bool { return f.SHA256 == sha })
		if i < 0 {
			return Errorf(ENOTFOUND, "err.doc.file_not_found", "SHA256", sha)
		}
		ref = d.Files()[i]
		data, err = tx.File(sha)
		return err
	})
	if err != nil {
		return nil, FileRef{}, err
	}
	return data, ref, nil
}
