package workcal

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// syntaxError is encoding/xml's: a fault in the XML itself.
type syntaxError = xml.SyntaxError

type tokenKind int

const (
	tokOther tokenKind = iota // comments, processing instructions, directives
	tokStart
	tokEnd
	tokText
)

// startElement is an element's local name and attributes (namespaces are
// ignored: xmlcalendar's schema has one, its files none).
type startElement struct {
	name  string
	attrs []xml.Attr
	line  int
}

// attr returns the attribute with the local name.
func (e startElement) attr(name string) (string, bool) {
	for _, a := range e.attrs {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

type token struct {
	kind  tokenKind
	start startElement
	text  string
	line  int
}

// decoder is a strict encoding/xml decoder that tells each token's line.
type decoder struct{ d *xml.Decoder }

func xmlDecoder(data []byte) decoder {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.CharsetReader = func(charset string, _ io.Reader) (io.Reader, error) {
		return nil, &charsetError{charset: charset}
	}
	return decoder{d}
}

// charsetError is the refusal of an encoding other than UTF-8 declared in
// the file's XML declaration.
type charsetError struct{ charset string }

func (e *charsetError) Error() string {
	return fmt.Sprintf("encoding %q is not supported, save the file as UTF-8", e.charset)
}

// next returns the next token; io.EOF at the end of the input.
func (d decoder) next() (token, error) {
	t, err := d.d.Token()
	if err != nil {
		return token{}, err
	}
	line, _ := d.d.InputPos()
	switch t := t.(type) {
	case xml.StartElement:
		return token{kind: tokStart, line: line, start: startElement{name: t.Name.Local, attrs: t.Attr, line: line}}, nil
	case xml.EndElement:
		return token{kind: tokEnd, line: line}, nil
	case xml.CharData:
		return token{kind: tokText, line: line, text: string(t)}, nil
	}
	return token{kind: tokOther, line: line}, nil
}

// skip reads to the end of the element whose start was read last.
func (d decoder) skip() error { return d.d.Skip() }

// escape escapes an attribute value.
func escape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
