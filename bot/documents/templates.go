package documents

import (
	"path"
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// templates is /templates: each kind's template in use, with a button for
// a sample filled from a sample client; /templates fields lists the
// placeholders templates may use.
func templates(c *bot.Context) error {
	switch strings.ToLower(strings.TrimSpace(c.Update.Args)) {
	case "":
		return c.Start("doc.preview", nil)
	case "fields", "поля":
		return fieldsHelp(c)
	}
	return c.Reply("msg.templates.usage", nil)
}

// activeTemplates returns the template in use of each kind, in the order
// of the kinds, and how many earlier ones each kind has.
func activeTemplates(c *bot.Context) ([]*core.DocTemplate, map[core.DocKind]int, error) {
	ts, err := c.Svc.Templates(c.Ctx(), c.Actor())
	if err != nil {
		return nil, nil, err
	}
	var out []*core.DocTemplate
	earlier := map[core.DocKind]int{}
	for _, k := range core.DocKinds {
		var active *core.DocTemplate
		for _, t := range ts {
			if t.Kind != k {
				continue
			}
			if t.Active {
				active = t
			} else {
				earlier[k]++
			}
		}
		if active != nil {
			out = append(out, active)
		}
	}
	return out, earlier, nil
}

// previewFlow shows the templates with a button for each one's sample.
func previewFlow() *bot.Flow {
	return &bot.Flow{Name: "doc.preview", First: "pick", Perm: core.PermViewDeals, Steps: map[string]*bot.Step{
		"pick": {
			Prompt: func(c *bot.Context) error {
				ts, earlier, err := activeTemplates(c)
				if err != nil {
					return err
				}
				var b strings.Builder
				b.WriteString(c.T("msg.templates.title", nil))
				var rows [][]bot.Button
				for _, t := range ts {
					b.WriteString("\n" + c.T("msg.templates.line", bot.Args{"Kind": c.T("doc.kind_title."+string(t.Kind), nil),
						"Name": t.Name, "Builtin": t.Builtin, "By": userName(c, t.AddedBy), "At": t.AddedAt,
						"Fields": len(t.Placeholders), "Earlier": earlier[t.Kind]}))
					rows = append(rows, bot.Row(bot.Choice("btn.doc.preview", bot.Args{"Kind": c.T("doc.kind_title."+string(t.Kind), nil)},
						strconv.FormatInt(t.ID, 10))))
				}
				if len(ts) == 0 {
					b.WriteString("\n" + c.T("msg.templates.none", nil))
				}
				if c.User.Can(core.PermAdmin) {
					b.WriteString("\n\n" + c.T("msg.templates.admin_hint", nil))
				}
				b.WriteString("\n" + c.T("msg.templates.fields_hint", nil))
				return c.Send(bot.Reply{Text: b.String(), Buttons: rows})
			},
			Input: func(c *bot.Context, s string) (string, error) {
				ts, _, err := activeTemplates(c)
				if err != nil {
					return "", err
				}
				var pick *core.DocTemplate
				for _, t := range ts {
					if strconv.FormatInt(t.ID, 10) == s {
						pick = t
					}
				}
				if k, err := core.ParseDocKind(s); pick == nil && err == nil {
					for _, t := range ts {
						if t.Kind == k {
							pick = t
						}
					}
				}
				if pick == nil {
					return "", core.Errorf(core.EINVALID, "err.doc.template_choose")
				}
				// The sample is made before the dialog ends, before the
				// unit writes anything.
				if err := sendPreview(c, pick); err != nil {
					return "", err
				}
				return "", c.Finish()
			},
		},
	}}
}

// sendPreview sends a template filled from a sample client.
func sendPreview(c *bot.Context, t *core.DocTemplate) error {
	data, err := c.Svc.PreviewTemplate(c.Ctx(), c.Actor(), t.ID)
	if err != nil {
		return err
	}
	kind := c.T("doc.kind_title."+string(t.Kind), nil)
	name := c.T("msg.templates.sample_file", bot.Args{"Kind": kind}) + ".docx"
	return c.Send(bot.Reply{Key: "msg.templates.sample", Args: bot.Args{"Kind": kind, "Name": t.Name},
		Files: []bot.File{{Name: name, MIME: core.MIMEDOCX, Data: data}}})
}

// fieldsHelp lists the placeholders a template may use, with what each
// one is filled with.
func fieldsHelp(c *bot.Context) error {
	var b strings.Builder
	b.WriteString(c.T("msg.templates.fields", nil))
	group := ""
	for _, f := range core.DocFields {
		g, _, _ := strings.Cut(f.Name, ".")
		if g != group {
			group = g
			b.WriteString("\n\n" + c.T("doc.field_group."+g, nil))
		}
		b.WriteString("\n" + c.T("msg.templates.field", bot.Args{"Name": f.Name, "Text": fieldName(c, f.Name),
			"Optional": f.Optional}))
	}
	b.WriteString("\n\n" + c.T("msg.templates.fields_lists", nil))
	return c.Send(bot.Reply{Text: b.String()})
}

// addTemplate is /template <kind> sent as the caption of a .docx: the
// admin's template for the kind, used from now on, with a sample.
func addTemplate(c *bot.Context) error {
	arg := strings.TrimSpace(c.Update.Args)
	files := c.Update.Files
	switch {
	case len(files) == 0:
		return c.Reply("msg.template.usage", nil)
	case len(files) > 1:
		return core.Errorf(core.EINVALID, "err.file.several", "N", len(files))
	}
	if arg == "" {
		return startKindChoice(c, files[0])
	}
	kind, _, err := parseKind(arg)
	if err != nil {
		return err
	}
	return storeTemplate(c, kind, files[0])
}

// sentTemplate takes a .docx an admin sends without a command: it asks
// which kind's template it is.
func sentTemplate(c *bot.Context, _ string) (bool, error) {
	if len(c.Update.Files) != 1 || c.Update.Command != "" || !isDOCX(c.Update.Files[0]) {
		return false, nil
	}
	return true, startKindChoice(c, c.Update.Files[0])
}

func isDOCX(f bot.IncomingFile) bool {
	return strings.EqualFold(path.Ext(f.Name), ".docx") || f.MIME == core.MIMEDOCX
}

// startKindChoice asks which kind a template sent without one is for.
func startKindChoice(c *bot.Context, f bot.IncomingFile) error {
	return c.Start("doc.template", map[string]string{"file_name": f.Name, "file_ref": f.Ref, "file_mime": f.MIME,
		"file_size": strconv.FormatInt(f.Size, 10)})
}

func templateKindFlow() *bot.Flow {
	return &bot.Flow{Name: "doc.template", First: "kind", Perm: core.PermAdmin, Steps: map[string]*bot.Step{
		"kind": {
			Prompt: func(c *bot.Context) error {
				var rows [][]bot.Button
				for _, k := range core.DocKinds {
					rows = append(rows, bot.Row(bot.Choice("doc.kind_title."+string(k), nil, string(k))))
				}
				return c.Reply("flow.doc.template_kind", bot.Args{"Name": c.Conv.Data["file_name"]}, rows...)
			},
			Input: func(c *bot.Context, s string) (string, error) {
				kind, err := core.ParseDocKind(s)
				if err != nil {
					return "", err
				}
				size, _ := strconv.ParseInt(c.Conv.Data["file_size"], 10, 64)
				f := bot.IncomingFile{Name: c.Conv.Data["file_name"], Ref: c.Conv.Data["file_ref"],
					MIME: c.Conv.Data["file_mime"], Size: size}
				err = storeTemplate(c, kind, f)
				if ferr := c.Finish(); ferr != nil {
					return "", ferr
				}
				return "", err
			},
		},
	}}
}

// storeTemplate fetches the file and adds it as the kind's template; it
// answers with what it found in it and a sample filled from a sample
// client. A template that does not open, or has an unknown or broken
// placeholder, is refused naming it and where it is.
func storeTemplate(c *bot.Context, kind core.DocKind, f bot.IncomingFile) error {
	data, err := c.Download(f)
	if err != nil {
		return err
	}
	t, err := c.Svc.AddTemplate(c.Ctx(), c.Actor(), kind, f.Name, data)
	if err != nil {
		return err
	}
	kindTitle := c.T("doc.kind_title."+string(t.Kind), nil)
	if err := c.Reply("msg.template.added", bot.Args{"Kind": kindTitle, "Name": t.Name,
		"Fields": len(t.Placeholders)}); err != nil {
		return err
	}
	return sendPreview(c, t)
}
