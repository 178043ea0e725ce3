package pdf

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strings"
)

// checkDOCX refuses what is no Word document before LibreOffice sees it
// (LibreOffice would import any bytes as plain text and make a PDF of
// them): the file must be a ZIP whose package relationships name a main
// part that exists and whose content type is a Word document's.
func checkDOCX(docx []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrNotDOCX, err)
	}
	files := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		files[f.Name] = f
	}
	var rels struct {
		Relationships []struct {
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := readXML(files, "_rels/.rels", &rels); err != nil {
		return err
	}
	main := ""
	for _, r := range rels.Relationships {
		if strings.HasSuffix(r.Type, "/officeDocument") {
			main = strings.TrimPrefix(path.Clean("/"+r.Target), "/")
			break
		}
	}
	if main == "" {
		return fmt.Errorf("%w: the package names no main document", ErrNotDOCX)
	}
	if files[main] == nil {
		return fmt.Errorf("%w: the main document %s is missing", ErrNotDOCX, main)
	}
	var types struct {
		Overrides []struct {
			PartName    string `xml:"PartName,attr"`
			ContentType string `xml:"ContentType,attr"`
		} `xml:"Override"`
	}
	if err := readXML(files, "[Content_Types].xml", &types); err != nil {
		return err
	}
	for _, o := range types.Overrides {
		if strings.TrimPrefix(o.PartName, "/") != main {
			continue
		}
		if ct := o.ContentType; strings.Contains(ct, "wordprocessingml") || strings.Contains(ct, "ms-word") {
			return nil
		}
		return fmt.Errorf("%w: the main document is %s", ErrNotDOCX, o.ContentType)
	}
	return fmt.Errorf("%w: the main document %s has no content type", ErrNotDOCX, main)
}

// maxPart bounds the package parts checkDOCX reads.
const maxPart = 1 << 20

func readXML(files map[string]*zip.File, name string, v any) error {
	f := files[name]
	if f == nil {
		return fmt.Errorf("%w: %s is missing", ErrNotDOCX, name)
	}
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrNotDOCX, name, err)
	}
	defer rc.Close()
	if err := xml.NewDecoder(io.LimitReader(rc, maxPart)).Decode(v); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrNotDOCX, name, err)
	}
	return nil
}
