package message

import (
	"strings"
	"testing"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/tghtml"
)

func TestBriefGroupsNumbersAndEscapes(t *testing.T) {
	due := plan.NewDate(2025, 6, 23)
	items := []BriefItem{
		{Task: Task{Title: "A <b>", Due: due.AddDays(-2), Percent: 10}, Days: -2, Overdue: 2},
		{Task: Task{Title: "B", Due: due, LeadName: "Lê & Văn"}, Days: 0, As: AsSupport},
		{Task: Task{Title: "C", Due: due.AddDays(3)}, Days: 3, OnBehalf: OnBehalf(i18n.New(i18n.EN), "X", due)},
	}
	text, shown := Brief(i18n.New(i18n.EN), items, 0)
	plain := tghtml.StripTags(text)
	at := 0
	for _, want := range []string{"3 tasks", "Overdue", "1. A <b>", "overdue by 2 days", "Due today", "2. B",
		"supporting, lead: Lê & Văn", "Due soon", "3. C", "in 3 days", "On behalf of X"} {
		i := strings.Index(plain[at:], want)
		if i < 0 {
			t.Fatalf("brief lacks %q after %d:\n%s", want, at, plain)
		}
		at += i + len(want)
	}
	if shown != 3 || strings.Contains(text, "A <b>") {
		t.Errorf("shown %d, or the title is not escaped:\n%s", shown, text)
	}
}

func TestBriefOverLimitCountsTheRest(t *testing.T) {
	var items []BriefItem
	for i := 0; i < 200; i++ {
		items = append(items, BriefItem{Task: Task{Title: strings.Repeat("việc ", 30), Due: plan.NewDate(2025, 6, 30)}, Days: 7})
	}
	vi := i18n.New(i18n.VI)
	text, shown := Brief(vi, items, 0)
	if tghtml.Len(text) > tghtml.MaxMessage || shown == 0 || shown >= 200 ||
		!strings.Contains(text, vi.T("jobs.brief.more", 200-shown)) {
		t.Fatalf("%d characters, %d shown:\n%s", tghtml.Len(text), shown, text)
	}
}
