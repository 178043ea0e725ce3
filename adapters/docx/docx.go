// Package docx fills DOCX templates: it finds {{placeholders}} in the body,
// tables, headers, footers and footnotes of a Word document even where Word
// split their text across runs, proof marks and bookmarks; replaces them
// with escaped text in the formatting of the run they start in; and repeats
// the table rows of {{#list}}…{{/list}} once per element. The parts it does
// not change are copied byte for byte.
//
// It implements core.DocEngine and knows nothing of the placeholders'
// names: core decides which names exist and what they hold.
package docx

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/dealdesk/dealdesk/core"
)

// ErrNotDOCX is a file that is not a DOCX document at all (not a zip
// archive, or a zip without a Word document in it).
var ErrNotDOCX = errors.New("not a DOCX document")

// maxPart bounds the size of one part read from the package, against zip
// bombs: a 300-page contract's document.xml is a few megabytes.
const maxPart = 64 << 20

// Engine is the DOCX template engine.
type Engine struct{}

var _ core.DocEngine = Engine{}

// Inspect lists the placeholders of a template in the order they appear:
// the body, then headers, footers, footnotes and endnotes. A damaged
// package or part, a broken or unclosed placeholder and a list whose start
// and end do not match are a *core.TemplateError; a file that is no DOCX at
// all is an error wrapping ErrNotDOCX.
func (Engine) Inspect(docx []byte) ([]core.Placeholder, error) {
	_, parts, err := open(docx, true)
	if err != nil {
		return nil, err
	}
	out := []core.Placeholder{}
	for _, p := range parts {
		for i := range p.phs {
			out = append(out, p.phs[i].placeholder())
		}
	}
	return out, nil
}

// Fill returns the template with every placeholder replaced by its value
// from v (an unknown name is filled with nothing: core checks the names
// when a template is added and the values before a document is produced).
// A list's rows are repeated once per element of v.Lists[name], each filled
// with the element's values first and v.Values second; a list with no
// elements loses its rows. Line breaks in a value become line breaks in
// the document, tabs tabs.
func (Engine) Fill(docx []byte, v core.DocValues) ([]byte, error) {
	zr, parts, err := open(docx, false)
	if err != nil {
		return nil, err
	}
	changed := make(map[string][]byte, len(parts))
	for _, p := range parts {
		if len(p.phs) == 0 {
			continue
		}
		changed[p.zipName] = p.fill(v)
	}
	var buf bytes.Buffer
	buf.Grow(len(docx) + len(docx)/4)
	zw := zip.NewWriter(&buf)
	// The edited parts are compressed fast: a document is filled while the
	// officer waits, and the best ratio saves a few kilobytes at most.
	zw.RegisterCompressor(zip.Deflate, fastFlate)
	for _, f := range zr.File {
		data, ok := changed[f.Name]
		if !ok {
			if err := zw.Copy(f); err != nil {
				return nil, fmt.Errorf("docx: copy %s: %w", f.Name, err)
			}
			continue
		}
		fh := &zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: f.Modified, Comment: f.Comment,
			ExternalAttrs: f.ExternalAttrs, CreatorVersion: f.CreatorVersion}
		w, err := zw.CreateHeader(fh)
		if err != nil {
			return nil, fmt.Errorf("docx: write %s: %w", f.Name, err)
		}
		if _, err := w.Write(data); err != nil {
			return nil, fmt.Errorf("docx: write %s: %w", f.Name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("docx: %w", err)
	}
	return buf.Bytes(), nil
}

var flatePool sync.Pool

// fastFlate is a pooled deflate writer at flate.BestSpeed.
func fastFlate(w io.Writer) (io.WriteCloser, error) {
	fw, ok := flatePool.Get().(*flate.Writer)
	if ok {
		fw.Reset(w)
		return &pooledFlate{fw}, nil
	}
	fw, err := flate.NewWriter(w, flate.BestSpeed)
	return &pooledFlate{fw}, err
}

type pooledFlate struct{ *flate.Writer }

func (p *pooledFlate) Close() error {
	err := p.Writer.Close()
	flatePool.Put(p.Writer)
	p.Writer = nil
	return err
}

func damaged(where string, err error) error {
	return &core.TemplateError{Problem: "damaged", Placeholder: core.Placeholder{Where: where, Text: clip2(err.Error())}}
}

func clip2(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// open reads the package and parses its text parts. strict also checks each
// text part with encoding/xml (Inspect: a template is checked once, when it
// is added; Fill relies on the scanner's own checks).
func open(docx []byte, strict bool) (*zip.Reader, []*part, error) {
	if !bytes.HasPrefix(docx, []byte("PK\x03\x04")) && !bytes.HasPrefix(docx, []byte("PK\x05\x06")) {
		if bytes.HasPrefix(docx, []byte{0xD0, 0xCF, 0x11, 0xE0}) {
			return nil, nil, fmt.Errorf("docx: %w: an old binary Word (.doc) file; save it as .docx", ErrNotDOCX)
		}
		return nil, nil, fmt.Errorf("docx: %w: not a zip archive", ErrNotDOCX)
	}
	zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		return nil, nil, damaged("zip", err)
	}
	files := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		files[f.Name] = f
	}
	refs, err := textParts(files)
	if err != nil {
		return nil, nil, err
	}
	parts := make([]*part, 0, len(refs))
	for _, r := range refs {
		data, err := readFile(files[r.zipName])
		if err != nil {
			return nil, nil, damaged(r.zipName, err)
		}
		if strict {
			if err := checkXML(data); err != nil {
				return nil, nil, damaged(r.zipName, err)
			}
		}
		p, err := parsePart(r.zipName, r.label, data)
		if err != nil {
			var se *syntaxError
			if errors.As(err, &se) {
				return nil, nil, damaged(r.zipName, err)
			}
			return nil, nil, err
		}
		parts = append(parts, p)
	}
	return zr, parts, nil
}

func readFile(f *zip.File) ([]byte, error) {
	if f.UncompressedSize64 > maxPart {
		return nil, fmt.Errorf("%s is larger than %d MB", f.Name, maxPart>>20)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxPart+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxPart {
		return nil, fmt.Errorf("%s is larger than %d MB", f.Name, maxPart>>20)
	}
	return data, nil
}

// checkXML decodes a part with encoding/xml: well-formed, UTF-8, no DTD.
func checkXML(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	for {
		t, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if dir, ok := t.(xml.Directive); ok {
			return fmt.Errorf("a DTD or declaration is not allowed: <!%s>", clip(string(dir)))
		}
	}
}

type partRef struct{ zipName, label string }

type relationships struct {
	Rels []struct {
		Type       string `xml:"Type,attr"`
		Target     string `xml:"Target,attr"`
		TargetMode string `xml:"TargetMode,attr"`
	} `xml:"Relationship"`
}

func readRels(f *zip.File) (*relationships, error) {
	data, err := readFile(f)
	if err != nil {
		return nil, err
	}
	var r relationships
	if err := xml.Unmarshal(data, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// resolve turns a relationship's target into a zip name.
func resolve(base, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return strings.TrimPrefix(path.Join(path.Dir(base), target), "/")
}

// textParts finds the main document (through the package's relationships,
// word/document.xml by default) and the headers, footers, footnotes and
// endnotes it refers to.
func textParts(files map[string]*zip.File) ([]partRef, error) {
	main := "word/document.xml"
	if f := files["_rels/.rels"]; f != nil {
		rels, err := readRels(f)
		if err != nil {
			return nil, damaged("_rels/.rels", err)
		}
		for _, r := range rels.Rels {
			if strings.HasSuffix(r.Type, "/officeDocument") && r.TargetMode != "External" {
				main = resolve("", r.Target)
				break
			}
		}
	}
	if files[main] == nil {
		return nil, fmt.Errorf("docx: %w: no %s in the archive", ErrNotDOCX, main)
	}
	refs := []partRef{{main, "body"}}
	var others []string
	seen := map[string]bool{main: true}
	relsName := path.Join(path.Dir(main), "_rels", path.Base(main)+".rels")
	if f := files[relsName]; f != nil {
		rels, err := readRels(f)
		if err != nil {
			return nil, damaged(relsName, err)
		}
		for _, r := range rels.Rels {
			if r.TargetMode == "External" {
				continue
			}
			switch r.Type[strings.LastIndex(r.Type, "/")+1:] {
			case "header", "footer", "footnotes", "endnotes":
				n := resolve(main, r.Target)
				if files[n] != nil && !seen[n] {
					seen[n] = true
					others = append(others, n)
				}
			}
		}
	} else {
		dir := path.Dir(main) + "/"
		for n := range files {
			b := strings.TrimPrefix(n, dir)
			if b == n || strings.Contains(b, "/") || !strings.HasSuffix(b, ".xml") {
				continue
			}
			if strings.HasPrefix(b, "header") || strings.HasPrefix(b, "footer") || b == "footnotes.xml" || b == "endnotes.xml" {
				others = append(others, n)
			}
		}
	}
	sort.Slice(others, func(i, j int) bool { return partLess(others[i], others[j]) })
	for _, n := range others {
		refs = append(refs, partRef{n, strings.TrimSuffix(path.Base(n), ".xml")})
	}
	return refs, nil
}

// partLess orders headers before footers before footnotes and endnotes,
// header2 before header10.
func partLess(a, b string) bool {
	rank := func(n string) (int, string, int) {
		base := strings.TrimSuffix(path.Base(n), ".xml")
		kind := strings.TrimRight(base, "0123456789")
		num, _ := strconv.Atoi(base[len(kind):])
		r := map[string]int{"header": 0, "footer": 1, "footnotes": 2, "endnotes": 3}[kind]
		return r, kind, num
	}
	ra, ka, na := rank(a)
	rb, kb, nb := rank(b)
	if ra != rb {
		return ra < rb
	}
	if ka != kb {
		return ka < kb
	}
	if na != nb {
		return na < nb
	}
	return a < b
}
