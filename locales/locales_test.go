package locales_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/locales"
)

// fileKeys returns the keys of one message file.
func fileKeys(t *testing.T, name string) []string {
	t.Helper()
	var m map[string]any
	if _, err := toml.DecodeFile(name, &m); err != nil {
		t.Fatal(err)
	}
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// keys returns every key of a language, from all its files.
func keys(t *testing.T, lang string) []string {
	t.Helper()
	names, err := filepath.Glob("*." + lang + ".toml")
	if err != nil || len(names) == 0 {
		t.Fatalf("no message files for %s: %v", lang, err)
	}
	var out []string
	for _, n := range names {
		out = append(out, fileKeys(t, n)...)
	}
	slices.Sort(out)
	return out
}

// TestSameKeys fails when a key is missing in either language: each part's
// Russian and English files have the same keys.
func TestSameKeys(t *testing.T) {
	names, err := filepath.Glob("*.ru.toml")
	if err != nil || len(names) < 2 {
		t.Fatalf("message files: %v, %v", names, err)
	}
	for _, ruName := range names {
		enName := strings.TrimSuffix(ruName, ".ru.toml") + ".en.toml"
		ru, en := fileKeys(t, ruName), fileKeys(t, enName)
		for _, k := range ru {
			if !slices.Contains(en, k) {
				t.Errorf("%s lacks %q", enName, k)
			}
		}
		for _, k := range en {
			if !slices.Contains(ru, k) {
				t.Errorf("%s lacks %q", ruName, k)
			}
		}
	}
	if len(keys(t, "ru")) != len(keys(t, "en")) {
		t.Error("the languages have different numbers of keys")
	}
}

// TestNoKeyInTwoFiles: each key lives in one part's files.
func TestNoKeyInTwoFiles(t *testing.T) {
	for _, lang := range locales.Languages {
		ks := keys(t, lang)
		for i := 1; i < len(ks); i++ {
			if ks[i] == ks[i-1] {
				t.Errorf("%s: key %q is in two files", lang, ks[i])
			}
		}
	}
}

// keyRE matches a string that has the shape of a message key with one of
// the prefixes message keys are spelled with in full in the code.
var keyRE = regexp.MustCompile(`^(?:err|notify|msg|cmd|card|flow|btn|role|purpose|kind|stage|task_status|verification|entity|field|reason|mm|company|risk|diff|problem|registry|mail|file)\.[a-z0-9_.]*[a-z0-9_]$`)

// codeKeys returns the message keys a Go source file spells out: every
// string literal (comments are not code) shaped like a key, except the
// names of template placeholders where they are placeholders — the Name
// of a core.DocField, or a map index in the values templates are filled
// with (v["company.full_name"]). Placeholders are a namespace of their
// own ({{company.name}}), which shares the prefix company. with the
// keys of a company's status; the same name given to a printer is still
// a key.
func codeKeys(t *testing.T, fset *token.FileSet, name string, src []byte) []string {
	t.Helper()
	f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var stack []ast.Node
	ast.Inspect(f, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, n)
		lit, ok := n.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		s, err := strconv.Unquote(lit.Value)
		if err != nil || !keyRE.MatchString(s) {
			return true
		}
		if _, ok := core.DocFieldByName(s); ok && placeholderUse(stack) {
			return true
		}
		out = append(out, s)
		return true
	})
	return out
}

// placeholderUse reports whether the string literal on top of stack (the
// path from the file down to it) is used as a template placeholder's
// name: the Name of a core.DocField literal (also one whose type a
// []core.DocField leaves out), or a map index.
func placeholderUse(stack []ast.Node) bool {
	if len(stack) < 2 {
		return false
	}
	lit := stack[len(stack)-1]
	switch p := stack[len(stack)-2].(type) {
	case *ast.IndexExpr:
		return p.Index == lit
	case *ast.KeyValueExpr:
		if id, ok := p.Key.(*ast.Ident); !ok || id.Name != "Name" || p.Value != lit || len(stack) < 3 {
			return false
		}
		cl, ok := stack[len(stack)-3].(*ast.CompositeLit)
		if !ok {
			return false
		}
		typ := cl.Type
		if typ == nil && len(stack) >= 4 { // {Name: …} in a []core.DocField{…}
			if outer, ok := stack[len(stack)-4].(*ast.CompositeLit); ok {
				if at, ok := outer.Type.(*ast.ArrayType); ok {
					typ = at.Elt
				}
			}
		}
		return isDocField(typ)
	}
	return false
}

// isDocField reports whether a type expression names core.DocField.
func isDocField(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name == "DocField"
	case *ast.SelectorExpr:
		return e.Sel.Name == "DocField"
	}
	return false
}

// TestKeysUsedInCodeExist finds every literal message key in the Go code
// and checks that it exists in both languages.
func TestKeysUsedInCodeExist(t *testing.T) {
	b := locales.MustLoad()
	ru, en := b.Printer("ru", nil), b.Printer("en", nil)
	fset := token.NewFileSet()
	seen := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		// Test-support packages (storetest, telegramtest, pgtest…) are test
		// code: their made-up keys are no user's text.
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "var" || strings.HasSuffix(d.Name(), "test")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, k := range codeKeys(t, fset, path, src) {
			seen++
			for _, p := range []*locales.Printer{ru, en} {
				if !p.Has(k) {
					t.Errorf("%s: key %q missing in %s", path, k, p.Lang())
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen < 50 {
		t.Fatalf("found only %d keys in the code; is the scan broken?", seen)
	}
}

// The scanner takes every key the code spells out, wherever it is, and
// leaves out only the placeholders of templates where they are
// placeholders.
func TestCodeKeysScanner(t *testing.T) {
	src := `package x

// "err.in.a_comment" is not code.
var fields = []core.DocField{{Name: "company.name"}, {Name: "client.inn"}, core.DocField{Name: "company.bik"}}

var table = map[string]string{"a": "msg.in.a_table"}

func f(c *bot.Context, v map[string]string) error {
	v["company.full_name"] = v["company.name"]
	_ = v["err.not.a.placeholder"]
	key := "card.deal.title"
	_ = c.T("company.name", nil)
	_ = Note{Key: "notify.deal.moved", Name: "company.inn"}
	return core.Errorf(core.EINVALID, "err.x.missing", "Name", "company.bank")
}
`
	got := codeKeys(t, token.NewFileSet(), "x.go", []byte(src))
	want := []string{"msg.in.a_table", "err.not.a.placeholder", "card.deal.title", "company.name",
		"notify.deal.moved", "company.inn", "err.x.missing", "company.bank"}
	if !slices.Equal(got, want) {
		t.Errorf("codeKeys = %q\nwant %q", got, want)
	}
}

// TestDictionaries checks the keys built from domain values.
func TestDictionaries(t *testing.T) {
	b := locales.MustLoad()
	var want []string
	for _, r := range core.Roles {
		want = append(want, "role."+string(r))
	}
	for _, p := range core.Purposes {
		want = append(want, "purpose."+string(p))
	}
	for _, s := range core.Stages {
		want = append(want, "stage."+string(s))
	}
	for _, v := range []core.VerificationStatus{core.Unverified, core.Verified, core.ProblemsFound} {
		want = append(want, "verification."+string(v), "card.client.verification."+string(v))
	}
	for _, f := range core.DocFields {
		want = append(want, f.Key())
	}
	for _, k := range core.DocKinds {
		want = append(want, "doc.kind."+string(k), "doc.kind_title."+string(k))
	}
	for _, s := range core.DocStatuses {
		want = append(want, "doc.status."+string(s), "doc.next."+string(s))
	}
	for _, lang := range locales.Languages {
		p := b.Printer(lang, nil)
		for _, k := range want {
			if !p.Has(k) {
				t.Errorf("%s: missing %q", lang, k)
			}
		}
	}
}

// TestEveryMessageRenders executes every template with typical arguments.
func TestEveryMessageRenders(t *testing.T) {
	b := locales.MustLoad()
	args := map[string]any{"Count": 3, "Amount": int64(123456789), "Due": time.Now(), "At": time.Now(),
		"Expires": time.Now(), "Date": time.Now(), "INN": "7707083893", "KPP": "773601001", "ID": 1}
	for _, lang := range locales.Languages {
		p := b.Printer(lang, nil)
		for _, k := range keys(t, lang) {
			if got := p.T(k, args); got == k || strings.Contains(got, "<no value>") && k != "msg.history.line" {
				if got == k {
					t.Errorf("%s: %q does not render", lang, k)
				}
			}
		}
	}
}

func TestRussianPlurals(t *testing.T) {
	p := locales.MustLoad().Printer("ru", nil)
	for n, want := range map[int]string{1: "1 сделка:", 2: "2 сделки:", 5: "5 сделок:", 21: "21 сделка:", 11: "11 сделок:"} {
		if got := p.T("msg.deals.title", map[string]any{"Count": n}); got != want {
			t.Errorf("Count %d: got %q, want %q", n, got, want)
		}
	}
}

func TestMoneyAndDates(t *testing.T) {
	b := locales.MustLoad()
	ru, en := b.Printer("ru", nil), b.Printer("en", nil)
	if got, want := ru.Money(core.Money(123456789)), "1\u00a0234\u00a0567,89\u00a0₽"; got != want {
		t.Errorf("ru money = %q, want %q", got, want)
	}
	if got, want := en.Money(float64(5000)), "₽50.00"; got != want {
		t.Errorf("en money = %q, want %q", got, want)
	}
	at := time.Date(2026, 11, 28, 12, 5, 0, 0, time.UTC) // 15:05 in Moscow
	if got, want := ru.DateTime(at), "28.11.2026 15:05"; got != want {
		t.Errorf("ru datetime = %q, want %q", got, want)
	}
	if got, want := ru.Date(at.Format(time.RFC3339)), "28.11.2026"; got != want {
		t.Errorf("ru date from JSON = %q, want %q", got, want)
	}
	if got := ru.Date(time.Time{}); got != "" {
		t.Errorf("zero date = %q, want empty", got)
	}
	if got, want := ru.T("err.inn.length", map[string]any{"INN": "123", "Count": 3}),
		"ИНН должен содержать 10 цифр (ЮЛ) или 12 (ИП), а в «123» 3 знака."; got != want {
		t.Errorf("plural error = %q, want %q", got, want)
	}
}

// A key defined in two files, or a file of an unknown language, is refused
// when the messages load, not silently overridden.
func TestLoadRefusesAKeyInTwoFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"a.ru.toml": {Data: []byte(`"msg.x" = "раз"`)},
		"b.ru.toml": {Data: []byte(`"msg.x" = "два"`)},
	}
	if _, err := locales.LoadFS(fsys); err == nil || !strings.Contains(err.Error(), "msg.x") {
		t.Fatalf("LoadFS = %v, want the doubled key named", err)
	}
	fsys = fstest.MapFS{"a.de.toml": {Data: []byte(`"msg.x" = "eins"`)}}
	if _, err := locales.LoadFS(fsys); err == nil {
		t.Fatal("a German file was loaded")
	}
}

func TestPlural(t *testing.T) {
	for _, c := range []struct {
		n    any
		want string
	}{{1, "день"}, {2, "дня"}, {4, "дня"}, {5, "дней"}, {11, "дней"}, {12, "дней"}, {14, "дней"}, {21, "день"},
		{22, "дня"}, {111, "дней"}, {0, "дней"}, {float64(3), "дня"}, {int64(101), "день"}} {
		if got := locales.Plural(c.n, "день", "дня", "дней"); got != c.want {
			t.Errorf("Plural(%v) = %q, want %q", c.n, got, c.want)
		}
	}
	if locales.Plural(1, "day", "days") != "day" || locales.Plural(7, "day", "days") != "days" {
		t.Error("English forms")
	}
}
