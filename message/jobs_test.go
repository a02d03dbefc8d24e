package message

import (
	"strings"
	"testing"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/tghtml"
)

func TestReminderEscapes(t *testing.T) {
	vi := i18n.New(i18n.VI)
	task := Task{Title: "Rà soát <thủ tục> & hồ sơ", Due: plan.NewDate(2025, 6, 30), Status: plan.OpenOnTime, Percent: 40, LeadName: "Lê <Văn> A"}
	got := Reminder(vi, task, 3, false)
	for _, want := range []string{"Rà soát &lt;thủ tục&gt; &amp; hồ sơ", "30/06/2025", "Lê &lt;Văn&gt; A"} {
		if !strings.Contains(got, want) {
			t.Errorf("Reminder lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "<thủ tục>") {
		t.Errorf("Reminder does not escape the title:\n%s", got)
	}
}

func TestProgressRequestFitsOneMessage(t *testing.T) {
	vi := i18n.New(i18n.VI)
	week, err := plan.ParsePeriod("2025-W07", plan.CutoffDecree09)
	if err != nil {
		t.Fatal(err)
	}
	items := make([]ProgressItem, 500)
	for i := range items {
		items[i] = ProgressItem{Title: strings.Repeat("Nhiệm vụ cải cách hành chính ", 5), Due: plan.NewDate(2025, 2, 14), Percent: i % 100}
	}
	text, shown := ProgressRequest(vi, week, items)
	if shown == 0 || shown >= len(items) {
		t.Fatalf("shown = %d of %d, want some but not all", shown, len(items))
	}
	if n := tghtml.Len(text); n > tghtml.MaxMessage {
		t.Errorf("request is %d units long, over %d", n, tghtml.MaxMessage)
	}
}
