package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nhacviec/nhacviec/docx"
)

// TestReportCommand: report --period --at -o writes a valid .docx whose
// table by area holds the numbers digest --format json gives for the same
// period and instant, in English with --lang en; a missing -o, a bad period
// or a bad language is a usage error and writes nothing.
func TestReportCommand(t *testing.T) {
	c := newCLI(t)
	c.mustRun("import", examplePlan)
	at := "2025-03-15T08:00:00+07:00"
	var d struct {
		ByArea []struct {
			Name   string         `json:"name"`
			Totals map[string]int `json:"totals"`
		} `json:"by_area"`
	}
	if err := json.Unmarshal([]byte(c.mustRun("digest", "--period", "2025-Q1", "--format", "json", "--at", at)), &d); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "bao-cao.docx")
	if got := c.mustRun("report", "--period", "2025-Q1", "--at", at, "--unit", "pdp", "-o", out); !strings.Contains(got, "report 2025-Q1 of pdp written to") {
		t.Errorf("report says %q", got)
	}
	content := readDocx(t, out)
	var areas [][]string
	for _, tb := range content.Tables {
		if len(tb[0]) > 1 && tb[0][1] == "Lĩnh vực" {
			areas = tb
		}
	}
	if len(areas) != len(d.ByArea)+2 {
		t.Fatalf("area table %q for %d areas", areas, len(d.ByArea))
	}
	for i, a := range d.ByArea {
		tt := a.Totals
		want := []string{fmt.Sprint(i + 1), a.Name, fmt.Sprint(tt["done_on_time"]), fmt.Sprint(tt["done_late"]), fmt.Sprint(tt["open_on_time"]), fmt.Sprint(tt["open_overdue"])}
		if !slices.Equal(areas[i+1][:6], want) {
			t.Errorf("row %q, digest JSON %q", areas[i+1], want)
		}
	}

	en := filepath.Join(t.TempDir(), "report.docx")
	c.mustRun("report", "--period", "quarter", "--at", at, "--lang", "en", "-o", en)
	if c := readDocx(t, en); !slices.ContainsFunc(c.Paragraphs, func(p string) bool { return p == "REPORT" }) {
		t.Errorf("English report: %q", c.Paragraphs[:5])
	}

	none := filepath.Join(t.TempDir(), "none.docx")
	for _, args := range [][]string{
		{"report", "--period", "2025-Q1"},
		{"report", "--period", "2025-Q5", "-o", none},
		{"report", "--period", "2025-Q1", "--lang", "fr", "-o", none},
		{"report", "-o", none},
	} {
		if code, _, stderr := c.run(args...); code != 2 || stderr == "" {
			t.Errorf("%v: exit %d, %q", args, code, stderr)
		}
	}
	if _, err := os.Stat(none); err == nil {
		t.Error("a refused report wrote its file")
	}
}

func readDocx(t *testing.T, path string) docx.Content {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := docx.Validate(data); err != nil {
		t.Fatal(err)
	}
	c, err := docx.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
