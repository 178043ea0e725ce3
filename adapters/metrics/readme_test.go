package metrics_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestREADMEAlertRulesAreTheKeptOnes: the alert rules the README shows are
// the ones kept (and unit-tested with promtool) in testdata.
func TestREADMEAlertRulesAreTheKeptOnes(t *testing.T) {
	rules, err := os.ReadFile("testdata/dealdesk.rules.yml")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```yaml\n"+string(rules)+"```") {
		t.Fatal("README's alert rules differ from adapters/metrics/testdata/dealdesk.rules.yml")
	}
}

// TestAlertRulesPassTheirUnitTests runs promtool's rule unit tests when
// promtool is installed (apt-get install prometheus).
func TestAlertRulesPassTheirUnitTests(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool is not installed")
	}
	cmd := exec.Command(promtool, "test", "rules", "dealdesk.rules_test.yml")
	cmd.Dir = "testdata"
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("promtool test rules: %v\n%s", err, out)
	}
}
