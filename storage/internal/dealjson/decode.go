// Package dealjson decodes stored deals fast, for both stores.
//
// The walks of the reports decode every deal of the database, and
// encoding/json's reflection takes most of their time. Decode reads a
// deal as json.Marshal writes it without reflection, about five times
// faster; anything else it is not sure of — a key it does not know (a
// field added to core.Deal), an escaped string, a null, a float — makes
// it start over with json.Unmarshal, so the result is always what
// json.Unmarshal gives. TestDecodeDeal fails when core.Deal gains a field
// this reader does not know.
package dealjson

import (
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/dealdesk/dealdesk/core"
)

// Decode decodes a stored deal into d, which must be zero.
func Decode(data []byte, d *core.Deal) error {
	l := lexer{b: data}
	if l.deal(d) && l.end() {
		return nil
	}
	*d = core.Deal{}
	if err := json.Unmarshal(data, d); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	return nil
}

// deal reads a deal object; false when it has something only
// json.Unmarshal knows how to read.
func (l *lexer) deal(d *core.Deal) bool {
	return l.object(func(k []byte) bool {
		ok := true
		switch string(k) {
		case "id":
			d.ID, ok = l.int()
		case "number":
			d.Number, ok = l.string()
		case "client_id":
			d.ClientID, ok = l.int()
		case "manager_id":
			d.ManagerID, ok = l.int()
		case "title":
			d.Title, ok = l.string()
		case "amount":
			var n int64
			n, ok = l.int()
			d.Amount = core.Money(n)
		case "stage":
			d.Stage, ok = l.stage()
		case "signing_due":
			d.SigningDue, ok = l.time()
		case "payment_due":
			d.PaymentDue, ok = l.time()
		case "contract_end":
			d.ContractEnd, ok = l.time()
		case "payments":
			d.Payments, ok = l.payments()
		case "leads":
			// Rare: a deal's own reminder leads, read by encoding/json.
			var raw []byte
			if raw, ok = l.value(); ok {
				ok = json.Unmarshal(raw, &d.Leads) == nil
			}
		case "override":
			d.Override, ok = l.bool()
		case "closed_from":
			d.ClosedFrom, ok = l.stage()
		case "closed_at":
			d.ClosedAt, ok = l.time()
		case "lost_reason":
			d.LostReason, ok = l.string()
		case "created_by":
			d.CreatedBy, ok = l.int()
		case "created_at":
			d.CreatedAt, ok = l.time()
		case "updated_at":
			d.UpdatedAt, ok = l.time()
		default:
			return false
		}
		return ok
	})
}

// stage reads a stage, one of core.Stages without a new string.
func (l *lexer) stage() (core.Stage, bool) {
	l.space()
	start := l.i
	s, ok := l.raw()
	if !ok {
		return "", false
	}
	for _, st := range core.Stages {
		if string(s) == string(st) {
			return st, true
		}
	}
	l.i = start
	str, ok := l.string()
	return core.Stage(str), ok
}

// payments reads a deal's payment schedule: an array, never null. Most
// deals have one or two payments.
func (l *lexer) payments() ([]core.Payment, bool) {
	ps := make([]core.Payment, 0, 2)
	ok := l.array(func() bool {
		var p core.Payment
		ok := l.object(func(k []byte) bool {
			ok := true
			switch string(k) {
			case "due":
				p.Due, ok = l.time()
			case "amount":
				var n int64
				n, ok = l.int()
				p.Amount = core.Money(n)
			default:
				return false
			}
			return ok
		})
		ps = append(ps, p)
		return ok
	})
	return ps, ok
}

// lexer reads compact JSON as encoding/json writes it. Each method
// returns false for what it does not read exactly as json.Unmarshal
// would, and the caller then leaves the record to json.Unmarshal.
type lexer struct {
	b []byte
	i int
}

// space skips white space.
func (l *lexer) space() {
	for l.i < len(l.b) {
		switch l.b[l.i] {
		case ' ', '\t', '\n', '\r':
			l.i++
		default:
			return
		}
	}
}

// take skips white space and c, reporting whether c was there.
func (l *lexer) take(c byte) bool {
	l.space()
	if l.i < len(l.b) && l.b[l.i] == c {
		l.i++
		return true
	}
	return false
}

// end reports whether nothing but white space is left.
func (l *lexer) end() bool {
	l.space()
	return l.i == len(l.b)
}

// object reads an object, calling field with each key (unescaped, valid
// only during the call) positioned at its value.
func (l *lexer) object(field func(k []byte) bool) bool {
	if !l.take('{') {
		return false
	}
	if l.take('}') {
		return true
	}
	for {
		k, ok := l.raw()
		if !ok || !l.take(':') || !field(k) {
			return false
		}
		if !l.take(',') {
			return l.take('}')
		}
	}
}

// array reads an array, calling elem positioned at each element.
func (l *lexer) array(elem func() bool) bool {
	if !l.take('[') {
		return false
	}
	if l.take(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if !l.take(',') {
			return l.take(']')
		}
	}
}

// raw reads a string without escapes and returns its bytes between the
// quotes.
func (l *lexer) raw() ([]byte, bool) {
	if !l.take('"') {
		return nil, false
	}
	for j := l.i; j < len(l.b); j++ {
		switch c := l.b[j]; {
		case c == '"':
			s := l.b[l.i:j]
			l.i = j + 1
			return s, true
		case c == '\\' || c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

// string reads a string of valid UTF-8 without escapes (json.Unmarshal
// would replace invalid bytes).
func (l *lexer) string() (string, bool) {
	s, ok := l.raw()
	if !ok || !utf8.Valid(s) {
		return "", false
	}
	return string(s), true
}

// int reads an integer that fits in an int64, written without fraction
// or exponent.
func (l *lexer) int() (int64, bool) {
	l.space()
	neg := l.i < len(l.b) && l.b[l.i] == '-'
	if neg {
		l.i++
	}
	start := l.i
	var n uint64
	for ; l.i < len(l.b) && l.b[l.i] >= '0' && l.b[l.i] <= '9'; l.i++ {
		if n > (1<<63)/10 {
			return 0, false
		}
		n = n*10 + uint64(l.b[l.i]-'0')
	}
	digits := l.i - start
	switch {
	case digits == 0, digits > 1 && l.b[start] == '0':
		return 0, false
	case l.i < len(l.b) && (l.b[l.i] == '.' || l.b[l.i] == 'e' || l.b[l.i] == 'E'):
		return 0, false
	case neg && n <= 1<<63:
		return -int64(n), true
	case !neg && n < 1<<63:
		return int64(n), true
	}
	return 0, false
}

// bool reads true or false.
func (l *lexer) bool() (bool, bool) {
	l.space()
	switch {
	case len(l.b)-l.i >= 4 && string(l.b[l.i:l.i+4]) == "true":
		l.i += 4
		return true, true
	case len(l.b)-l.i >= 5 && string(l.b[l.i:l.i+5]) == "false":
		l.i += 5
		return false, true
	}
	return false, false
}

// time reads a time as time.Time.UnmarshalJSON does.
func (l *lexer) time() (time.Time, bool) {
	l.space()
	start := l.i
	if _, ok := l.raw(); !ok {
		return time.Time{}, false
	}
	var t time.Time
	if err := t.UnmarshalJSON(l.b[start:l.i]); err != nil {
		return time.Time{}, false
	}
	return t, true
}

// value skips any one value and returns its bytes, for json.Unmarshal to
// read; it checks only the nesting, which json.Unmarshal then checks in
// full.
func (l *lexer) value() ([]byte, bool) {
	l.space()
	start, depth := l.i, 0
	for l.i < len(l.b) {
		switch l.b[l.i] {
		case '"':
			for l.i++; l.i < len(l.b) && l.b[l.i] != '"'; l.i++ {
				if l.b[l.i] == '\\' {
					l.i++
				}
			}
			if l.i >= len(l.b) {
				return nil, false
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return l.b[start:l.i], l.i > start
			}
			depth--
		case ',':
			if depth == 0 {
				return l.b[start:l.i], l.i > start
			}
		}
		l.i++
	}
	return l.b[start:l.i], depth == 0 && l.i > start
}
