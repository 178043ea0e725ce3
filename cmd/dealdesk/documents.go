package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/adapters/diadoc"
	"github.com/dealdesk/dealdesk/adapters/docx"
	"github.com/dealdesk/dealdesk/adapters/mail"
	"github.com/dealdesk/dealdesk/adapters/pdf"
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/core/requisite"
	"github.com/dealdesk/dealdesk/locales"
)

// docOptions are the core options of the documents use case: the DOCX
// engine and the built-in templates always; PDF when LibreOffice is found;
// e-mail and EDO when configured; our company's card and the rules. What is
// off is said once at start (and in chat, by the use case, when it is
// needed).
func (m *Main) docOptions(bundle *locales.Bundle) ([]core.Option, error) {
	c := m.Config
	rules := core.DefaultDocConfig()
	vat, err := core.ParseVATRate(c.VATRate)
	if err != nil {
		return nil, fmt.Errorf("DEALDESK_VAT_RATE: %w", err)
	}
	rules.VAT, rules.VerifyMaxAge, rules.ApprovalKinds = vat, c.VerifyMaxAge, nil
	for _, k := range splitList(c.ApprovalKinds) {
		kind, err := core.ParseDocKind(k)
		if err != nil {
			return nil, fmt.Errorf("DEALDESK_APPROVAL_KINDS: %q: %w", k, err)
		}
		rules.ApprovalKinds = append(rules.ApprovalKinds, kind)
	}
	opts := []core.Option{core.WithDocEngine(docx.Engine{}), core.WithBuiltinTemplates(docx.Builtin()),
		core.WithDocConfig(rules)}
	company, err := loadCompany(c.CompanyFile)
	if err != nil {
		return nil, err
	}
	if company.Name == "" {
		m.Log.Warn().Msg("our company's card is not set (DEALDESK_COMPANY_FILE): documents that use company.* fields are refused with the list of what is missing")
	}
	opts = append(opts, core.WithCompany(company))

	if c.PDFWorkers < 1 {
		return nil, fmt.Errorf("DEALDESK_PDF_WORKERS: %d: at least 1", c.PDFWorkers)
	}
	if path, err := pdf.Find(c.Soffice); err != nil {
		m.Log.Warn().Err(err).Msg("PDF is unavailable: documents are made as DOCX only (install LibreOffice or set DEALDESK_SOFFICE)")
	} else {
		pool, err := pdf.New(pdf.Config{Soffice: path, Workers: c.PDFWorkers, Timeout: c.PDFTimeout},
			m.Log.With().Str("component", "pdf").Logger())
		if err != nil {
			return nil, fmt.Errorf("PDF: %w", err)
		}
		m.pdf = pool
		opts = append(opts, core.WithPDF(pool))
	}

	if c.SMTPHost != "" || c.SMTPFrom != "" {
		ml, err := mail.New(mail.Config{Host: c.SMTPHost, Port: c.SMTPPort, Username: c.SMTPUsername,
			Password: c.SMTPPassword, From: c.SMTPFrom, TLS: mail.TLSMode(c.SMTPTLS), CAFile: c.SMTPCAFile,
			Timeout: c.SMTPTimeout}, m.Log.With().Str("component", "mail").Logger())
		if err != nil {
			return nil, fmt.Errorf("SMTP: %w", err)
		}
		texts := func(lang, key string, args map[string]any) string { return bundle.Printer(lang, nil).T(key, args) }
		opts = append(opts, core.WithMailer(ml, c.SMTPFrom, texts))
	} else {
		m.Log.Info().Msg("sending documents by e-mail is off: set SMTP_HOST and SMTP_FROM")
	}

	if c.DiadocClientID != "" || c.DiadocToken != "" {
		d, err := diadoc.New(diadoc.Config{URL: c.DiadocURL, ClientID: c.DiadocClientID, Token: c.DiadocToken,
			Auth: c.DiadocAuth, BoxID: c.DiadocBoxID, DepartmentID: c.DiadocDept},
			m.Log.With().Str("component", "diadoc").Logger())
		if err != nil {
			return nil, fmt.Errorf("diadoc: %w", err)
		}
		var edo core.EDO = d
		if m.Metrics != nil {
			edo = m.Metrics.EDO(d)
		}
		opts = append(opts, core.WithEDO(edo))
	} else {
		m.Log.Info().Msg("EDO is off: set DIADOC_CLIENT_ID and DIADOC_TOKEN to send documents to Diadoc")
	}
	return opts, nil
}

// loadCompany reads our company's card from a text file in the form of a
// pasted company card; no file is an empty card. Requisites that fail
// their checks stop the start: they would be printed in every contract.
func loadCompany(path string) (core.Company, error) {
	if path == "" {
		return core.Company{}, nil
	}
	text, err := os.ReadFile(path)
	if err != nil {
		return core.Company{}, fmt.Errorf("DEALDESK_COMPANY_FILE: %w", err)
	}
	card := requisite.ParseCard(string(text))
	var errs []error
	for _, p := range card.Check() {
		errs = append(errs, fmt.Errorf("%s: %s %s", p.Field, p.Code, p.Value))
	}
	if card.ShortName == "" && card.FullName == "" {
		errs = append(errs, errors.New("no name"))
	}
	if len(errs) > 0 {
		return core.Company{}, fmt.Errorf("DEALDESK_COMPANY_FILE %s: %w", path, errors.Join(errs...))
	}
	name := card.ShortName
	if name == "" {
		name = card.FullName
	}
	return core.Company{Name: name, FullName: card.FullName, INN: card.INN, KPP: card.KPP, OGRN: card.OGRN,
		Address: card.Address, Director: card.Director, Bank: card.BankName, BIK: card.BIK, Account: card.Account,
		CorrAccount: card.CorrAccount}, nil
}

// docJobs are the documents' periodic jobs: sends waiting (and failed ones
// due again), and the EDO operator's events.
func (m *Main) docJobs() []job {
	jobs := []job{{Name: "deliver_documents", Every: m.Config.DocSendEvery, Run: m.Service.DeliverDocuments}}
	if _, ok := m.Service.EDOAvailable(); ok {
		jobs = append(jobs, job{Name: "edo_poll", Every: m.Config.EDOPollEvery, Run: m.Service.PollEDO})
	}
	return jobs
}

// closePDF stops the LibreOffice workers.
func (m *Main) closePDF() error {
	if m.pdf == nil {
		return nil
	}
	// A conversion in progress may take up to its timeout.
	ctx, cancel := context.WithTimeout(context.Background(), m.Config.PDFTimeout+10*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- m.pdf.Close() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// importTemplates adds the templates of DEALDESK_TEMPLATES_DIR: a .docx
// whose name starts with a kind (договор, КП, допсоглашение, счёт or the
// English codes). A file that is not a template of a known kind, or whose
// placeholders are broken or unknown, is logged and skipped: DealDesk runs
// on with the templates it has.
func (m *Main) importTemplates(ctx context.Context) error {
	dir := m.Config.TemplatesDir
	if dir == "" {
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("DEALDESK_TEMPLATES_DIR: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.EqualFold(filepath.Ext(name), ".docx") || strings.HasPrefix(name, "~$") {
			continue // Word's lock files start with ~$
		}
		kind, ok := templateKind(strings.TrimSuffix(name, filepath.Ext(name)))
		if !ok {
			m.Log.Warn().Str("file", name).Msg("template skipped: its name does not start with a document kind (договор, КП, допсоглашение, счёт)")
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return fmt.Errorf("DEALDESK_TEMPLATES_DIR: %w", err)
		}
		added, err := m.Service.ImportTemplate(ctx, kind, name, data)
		if err != nil {
			key, args := core.ErrorKey(err)
			m.Log.Error().Str("file", name).Str("error", key).Interface("details", args).Msg("template refused")
			continue
		}
		if added {
			m.Log.Info().Str("file", name).Str("kind", string(kind)).Msg("template added from the folder")
		}
	}
	return nil
}

// templateKind reads the kind a template file's name starts with: its
// first word, or its first two («доп соглашение»).
func templateKind(name string) (core.DocKind, bool) {
	words := strings.Fields(strings.NewReplacer("_", " ", "-", " ").Replace(name))
	for n := min(2, len(words)); n > 0; n-- {
		if k, err := core.ParseDocKind(strings.Join(words[:n], " ")); err == nil {
			return k, true
		}
	}
	return "", false
}
