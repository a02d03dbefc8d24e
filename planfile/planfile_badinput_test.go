package planfile

import (
	"fmt"
	"strings"
	"testing"
)

// TestParseHostileText: markup and SQL-looking text in titles are plain
// text to the parser, kept byte for byte (escaping is the renderers' job,
// queries are parameterised); invalid UTF-8 is refused with a position.
func TestParseHostileText(t *testing.T) {
	tests := []struct {
		name    string
		title   string // YAML double-quoted scalar content
		want    string // parsed title; "" when an error is expected
		wantErr string
	}{
		{"html", `<b>Rà soát</b> & <a href=\"x\">TTHC</a>`, `<b>Rà soát</b> & <a href="x">TTHC</a>`, ""},
		{"sql", `'; DROP TABLE tasks; --`, `'; DROP TABLE tasks; --`, ""},
		{"invalid utf-8", "Rà soát \xff\xfe", "", "hostile.yaml:15:40: invalid UTF-8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := base + "      - {key: hostile, title: \"" + tc.title + "\", lead: tu-phap, due: 2025-06-30}\n"
			f, err := Parse("hostile.yaml", []byte(src))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got string
			for _, a := range f.Areas {
				for _, task := range a.Tasks {
					if task.Key == "hostile" {
						got = task.Title
					}
				}
			}
			if got != tc.want {
				t.Errorf("title = %q, want %q", got, tc.want)
			}
		})
	}
}

// hugePlan returns base with n more one-off tasks.
func hugePlan(n int) []byte {
	var b strings.Builder
	b.WriteString(base)
	for i := range n {
		fmt.Fprintf(&b, "      - {key: nv-%d, title: \"Nhiệm vụ cải cách hành chính số %d\", lead: tu-phap, due: 2025-06-30}\n", i, i)
	}
	return []byte(b.String())
}

// TestParseHugePlan: a plan of 5,000 tasks parses, every task kept. How
// fast is BenchmarkParseHugePlan's business.
func TestParseHugePlan(t *testing.T) {
	f, err := Parse("huge.yaml", hugePlan(5000))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range f.Areas {
		n += len(a.Tasks)
	}
	if n != 5000+2 {
		t.Errorf("%d tasks parsed, want 5002", n)
	}
}

// BenchmarkParseHugePlan parses a plan of 5,000 tasks.
func BenchmarkParseHugePlan(b *testing.B) {
	data := hugePlan(5000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("huge.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}
