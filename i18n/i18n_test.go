package i18n

import (
	"regexp"
	"sort"
	"testing"
)

// verbs matches the fmt verbs of a message.
var verbs = regexp.MustCompile(`%(\[[0-9]+\])?[-+#0]*[0-9]*(\.[0-9]+)?[a-zA-Z%]`)

// TestCatalogIsComplete checks that every message has both languages and
// that both take the same arguments, so a translation can never print
// %!d(MISSING) or drop a number.
func TestCatalogIsComplete(t *testing.T) {
	for key, e := range catalog() {
		if e.VI == "" || e.EN == "" {
			t.Errorf("%s: missing a language (vi %q, en %q)", key, e.VI, e.EN)
			continue
		}
		vi, en := argVerbs(e.VI), argVerbs(e.EN)
		sort.Strings(vi)
		sort.Strings(en)
		if len(vi) != len(en) {
			t.Errorf("%s: vi takes %v, en takes %v", key, vi, en)
			continue
		}
		for i := range vi {
			if vi[i] != en[i] {
				t.Errorf("%s: vi takes %v, en takes %v", key, vi, en)
				break
			}
		}
	}
}

// argVerbs returns the verbs of a format without argument indexes, so that
// "%[2]d" in one language matches "%d" in the other.
func argVerbs(format string) []string {
	var out []string
	for _, v := range verbs.FindAllString(format, -1) {
		if v == "%%" {
			continue
		}
		out = append(out, regexp.MustCompile(`\[[0-9]+\]`).ReplaceAllString(v, ""))
	}
	return out
}

func TestPrinter(t *testing.T) {
	if got := New(VI).T("status.open_overdue"); got != "Đang thực hiện quá hạn" {
		t.Errorf("vi = %q", got)
	}
	if got := New(EN).T("rollup.unit_count", 3); got != "Units: 3" {
		t.Errorf("en = %q", got)
	}
	if got := New("fr").T("button.done"); got != "✅ Hoàn thành" {
		t.Errorf("unknown language falls back to Vietnamese: %q", got)
	}
	if got := New(VI).T("no.such.key"); got != "!no.such.key" {
		t.Errorf("missing key = %q", got)
	}
	if _, err := ParseLang("de"); err == nil {
		t.Error("ParseLang(de): no error")
	}
}
