package bot_test

import (
	"go/ast"
	"go/parser"
	gotoken "go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// Every button action that core or a use case issues is registered: core's
// list of actions, and every Action: field in the source of core and bot
// is one of its constants (no action is spelled as a string twice).
func TestEveryIssuedActionIsRegistered(t *testing.T) {
	h := newHarness(t)
	for _, a := range core.Actions {
		if !h.bot.HasAction(a) {
			t.Errorf("action %q is issued but no use case registers it", a)
		}
	}
	fset := gotoken.NewFileSet()
	for _, dir := range []string{"../core", "."} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
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
}
