package dealjson

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// fill sets every field of v, recursively, to a value that is not zero,
// so that json.Marshal writes every key.
func fill(t *testing.T, v reflect.Value, n int) {
	t.Helper()
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(1000 + n))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(1000 + n))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(n) + 0.5)
	case reflect.String:
		v.SetString("значение «" + strings.Repeat("x", n%5) + "» " + string(rune('a'+n%26)))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2026, 3, 2, 10, n%60, 0, 123456000, time.UTC)))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(t, v.Field(i), n*7+i)
			}
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(t, v.Index(i), n+i)
		}
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(t, k, n)
		fill(t, e, n+1)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem(), n)
	default:
		t.Fatalf("fill: a field of kind %s", v.Kind())
	}
}

// TestDecodeDeal_EveryField: a deal with every field set is read by the
// fast reader, not by its fallback, and as json.Unmarshal reads it. A
// field added to core.Deal fails this test until Decode reads it.
func TestDecodeDeal_EveryField(t *testing.T) {
	var d core.Deal
	fill(t, reflect.ValueOf(&d).Elem(), 1)
	d.Stage, d.ClosedFrom = core.StageClosedLost, core.StageSigning
	data, err := json.Marshal(&d)
	if err != nil {
		t.Fatal(err)
	}
	var fast core.Deal
	if l := (lexer{b: data}); !l.deal(&fast) || !l.end() {
		t.Fatalf("the fast reader gave up at byte %d of %s: does it read every field of core.Deal?", l.i, data)
	}
	var want core.Deal
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fast, want) || !reflect.DeepEqual(fast, d) {
		t.Errorf("fast reader:\n%+v\njson.Unmarshal:\n%+v\nwritten:\n%+v", fast, want, d)
	}
}

// TestDecodeDeal_AsJSON: whatever a stored deal holds, Decode gives
// what json.Unmarshal gives, or fails where it fails.
func TestDecodeDeal_AsJSON(t *testing.T) {
	var full core.Deal
	fill(t, reflect.ValueOf(&full).Elem(), 3)
	pretty, err := json.MarshalIndent(&full, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		data string
		fast bool // the fast reader reads it itself
	}{
		{"compact", `{"id":1,"number":"D-2026-0001","client_id":2,"manager_id":3,"title":"Поставка","amount":125000,` +
			`"stage":"new","created_by":3,"created_at":"2026-03-02T10:00:00.123456Z","updated_at":"2026-03-02T10:00:00Z"}`, true},
		{"empty", `{}`, true},
		{"indented", string(pretty), true},
		{"a time with an offset", `{"signing_due":"2026-03-02T10:00:00+03:00"}`, true},
		{"negative and extreme amounts", `{"amount":-5,"id":9223372036854775807,"client_id":-9223372036854775808}`, true},
		{"no payments", `{"payments":[]}`, true},
		{"a payment without an amount", `{"payments":[{"due":"2026-04-01T00:00:00Z"}]}`, true},
		{"an unknown stage", `{"stage":"weird"}`, true},
		{"a key twice", `{"title":"a","title":"b"}`, true},
		{"leads", `{"leads":{"payment":[3,1],"signing":[]}}`, true},
		{"leads null", `{"leads":null,"id":1}`, true},
		{"escapes", `{"title":"ООО \"Ромашка\" \u003c\u0026\u003e \\ \/ \t \ud83d\ude00"}`, false},
		{"invalid UTF-8", "{\"title\":\"\xff\xfe\"}", false},
		{"null title", `{"title":null,"id":2}`, false},
		{"null payments", `{"payments":null}`, false},
		{"null time", `{"closed_at":null}`, false},
		{"an unknown key", `{"id":1,"color":"red","nested":{"a":[1,{"b":"}"}]}}`, false},
		{"a key in other case", `{"ID":4,"Title":"x"}`, false},
		{"a float amount", `{"amount":1.5}`, false},
		{"an exponent", `{"amount":1e3}`, false},
		{"an overflow", `{"amount":9223372036854775808}`, false},
		{"a leading zero", `{"amount":012}`, false},
		{"a string amount", `{"amount":"12"}`, false},
		{"a bad time", `{"created_at":"2026-13-02T10:00:00Z"}`, false},
		{"trailing data", `{"id":1} x`, false},
		{"truncated", `{"id":1,"title":"abc`, false},
		{"not an object", `[1]`, false},
		{"a bool as a string", `{"override":"true"}`, false},
		{"override", `{"override":true}`, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			var want core.Deal
			wantErr := json.Unmarshal([]byte(c.data), &want)
			var got core.Deal
			err := Decode([]byte(c.data), &got)
			if (err != nil) != (wantErr != nil) {
				t.Fatalf("Decode error %v, json.Unmarshal error %v", err, wantErr)
			}
			if err == nil && !reflect.DeepEqual(got, want) {
				t.Errorf("Decode:\n%+v\njson.Unmarshal:\n%+v", got, want)
			}
			var fast core.Deal
			if l := (lexer{b: []byte(c.data)}); (l.deal(&fast) && l.end()) != c.fast {
				t.Errorf("the fast reader read it: %v, want %v", !c.fast, c.fast)
			}
		})
	}
}
