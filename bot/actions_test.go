package bot_test

import (
	"go/ast"
	"go/parser"
	gotoken "go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// ownActions are the Action… constants that packages under bot/ may
// declare themselves, by directory and name: every button action is
// declared once, in core/actions.go, except the framework's own.
var ownActions = map[string]string{
	".:ActionFlowInput":      "the choice buttons inside a flow, handled by the framework",
	".:ActionConfirmCommand": "the confirmation of an unverified command, handled by the framework",
	"mattermost:ActionPath":  "an HTTP path, not a button action",
}

// Every button action that core or a use case issues is registered: core's
// list of actions, and every Action: field in the source of core and bot
// is one of its constants (no action is spelled as a string twice). Every
// Action… constant of core/actions.go is in that list, and no package
// under bot/ declares an Action… constant of its own but the framework's.
func TestEveryIssuedActionIsRegistered(t *testing.T) {
	h := newHarness(t)
	for _, a := range core.Actions {
		if !h.bot.HasAction(a) {
			t.Errorf("action %q is issued but no use case registers it", a)
		}
	}
	fset := gotoken.NewFileSet()
	f, err := parser.ParseFile(fset, "../core/actions.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for name, value := range actionConsts(f) {
		v, err := strconv.Unquote(value)
		if err != nil {
			t.Errorf("core/actions.go: %s = %s, want a string literal", name, value)
		} else if !slices.Contains(core.Actions, v) {
			t.Errorf("core/actions.go: %s = %q is not listed in core.Actions", name, v)
		}
	}
	found := map[string]bool{}
	for _, dir := range []string{"../core", "."} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			if dir == "." {
				for name := range actionConsts(f) {
					if _, ok := ownActions[filepath.Dir(path)+":"+name]; !ok {
						t.Errorf("%s: %s declares an action of its own; declare it in core/actions.go", path, name)
					}
					found[filepath.Dir(path)+":"+name] = true
				}
			}
			ast.Inspect(f, func(n ast.Node) bool {
				kv, ok := n.(*ast.KeyValueExpr)
				if !ok {
					return true
				}
				if id, ok := kv.Key.(*ast.Ident); ok && id.Name == "Action" {
					if lit, ok := kv.Value.(*ast.BasicLit); ok && lit.Kind == gotoken.STRING {
						v, _ := strconv.Unquote(lit.Value)
						t.Errorf("%s: action %q spelled as a string, not a core.Action… constant", fset.Position(lit.Pos()), v)
					}
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for c := range ownActions {
		if !found[c] {
			t.Errorf("%s is allowed to declare an action of its own but is declared no more", c)
		}
	}
	for _, a := range []string{bot.ActionFlowInput, bot.ActionConfirmCommand} {
		if slices.Contains(core.Actions, a) {
			t.Errorf("the framework's action %q is one of core.Actions too", a)
		}
	}
}

// actionConsts returns the constants of a file named Action… that may be
// strings (all but those of another explicit type or of a non-string
// literal), with their values' source.
func actionConsts(f *ast.File) map[string]string {
	out := map[string]string{}
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != gotoken.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			if typ, ok := vs.Type.(*ast.Ident); vs.Type != nil && (!ok || typ.Name != "string") {
				continue
			}
			for i, name := range vs.Names {
				if !strings.HasPrefix(name.Name, "Action") {
					continue
				}
				value := ""
				if i < len(vs.Values) {
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind != gotoken.STRING {
						continue
					}
					value = sourceOf(vs.Values[i])
				}
				out[name.Name] = value
			}
		}
	}
	return out
}

// sourceOf returns a string literal's source, or a placeholder for any
// other expression.
func sourceOf(e ast.Expr) string {
	if lit, ok := e.(*ast.BasicLit); ok {
		return lit.Value
	}
	return "(not a literal)"
}
