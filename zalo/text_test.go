package zalo_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/report"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/tghtml"
	"github.com/nhacviec/nhacviec/zalo"
)

// tag matches anything that looks like an HTML tag.
var tag = regexp.MustCompile(`</?[a-zA-Z][a-zA-Z0-9-]*(\s[^>]*)?>`)

// digest is a ward's digest of 2025-Q1 with overdue tasks titled title
// (n of them): the product's real digest text.
func digest(t *testing.T, pr *i18n.Printer, n int, title string) string {
	t.Helper()
	p, err := plan.ParsePeriod("2025-Q1", plan.CutoffDecree09)
	if err != nil {
		t.Fatal(err)
	}
	d := report.NewDigest("pdp", "UBND phường Phan Đình Phùng", p, time.Date(2025, 3, 15, 8, 0, 0, 0, time.FixedZone("ICT", 7*3600)))
	d.Totals = report.NewTotals(plan.Totals{DoneOnTime: 1, DoneLate: 2, OpenOverdue: n})
	for i := range n {
		d.Tasks = append(d.Tasks, report.TaskLine{
			Key: fmt.Sprintf("t%d", i), Title: fmt.Sprintf("%s %d", title, i+1), Status: string(plan.OpenOverdue),
			LeadName: "Công chức Văn phòng - Thống kê", Due: plan.NewDate(2025, 3, 1), DaysOverdue: 14, Progress: 30,
		})
	}
	d.MissingReports = []string{"Công chức Tài chính - Kế toán"}
	return message.DigestTelegram(report.Result{Unit: d}, pr)
}

// TestPlainTextOfRealMessages: the product's messages, rendered as Zalo
// plain text, keep every word and line, lose every tag, decode every
// entity, and show bold as *emphasis*.
func TestPlainTextOfRealMessages(t *testing.T) {
	vi, en := i18n.New(i18n.VI), i18n.New(i18n.EN)
	task := message.Task{Title: "Rà soát <thủ tục> & hồ sơ \"một cửa\"", Due: plan.NewDate(2025, 6, 30), Status: plan.OpenOnTime, Percent: 40, LeadName: "Lê <Văn> A"}
	week, err := plan.ParsePeriod("2025-W07", plan.CutoffDecree09)
	if err != nil {
		t.Fatal(err)
	}
	request, _ := message.ProgressRequest(vi, week, []message.ProgressItem{
		{Title: "Công khai TTHC tại bộ phận một cửa", Due: plan.NewDate(2025, 2, 14), Percent: 30},
		{Title: "Số hoá hồ sơ & kết quả", Due: plan.NewDate(2025, 2, 10), Percent: 0, Overdue: true},
	})
	tasks, _ := message.Tasks(vi, []message.ListedTask{{Title: "Báo cáo <quý>", Due: plan.NewDate(2025, 3, 31), Percent: 60, Status: plan.OpenOnTime}})
	pct := 60
	tests := []struct {
		name string
		html string
		want []string // lines or fragments the plain text holds
	}{
		{"reminder vi", message.Reminder(vi, task, 3, false), []string{
			"*⏰ Nhắc việc: còn 3 ngày đến hạn*\n",
			"Rà soát <thủ tục> & hồ sơ \"một cửa\"",
			"30/06/2025",
			"Lê <Văn> A",
			"Trả lời tin nhắn này để báo cáo tiến độ",
		}},
		{"reminder en", message.Reminder(en, task, 0, true), []string{"Rà soát <thủ tục> & hồ sơ"}},
		{"nag", message.Nag(vi, task, 5, true), []string{"Rà soát <thủ tục> & hồ sơ"}},
		{"escalation", message.Escalation(vi, task, 5, &message.LastReport{Day: plan.NewDate(2025, 6, 20), Percent: &pct}), []string{"Lê <Văn> A", "20/06/2025"}},
		{"progress request", request, []string{"1. ", "2. ", "Số hoá hồ sơ & kết quả"}},
		{"task list", tasks, []string{"1. ", "Báo cáo <quý>"}},
		{"digest", digest(t, vi, 3, "Rà soát TTHC <đợt>"), []string{
			"*TỔNG HỢP BÁO CÁO quý I/2025",
			"UBND phường Phan Đình Phùng",
			"Rà soát TTHC <đợt> 1",
			"*Tỷ lệ hoàn thành đúng hạn: 16,7%*",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := zalo.PlainText(tt.html)
			if m := tag.FindString(strings.NewReplacer("<thủ tục>", "", "<Văn>", "", "<quý>", "", "<đợt>", "").Replace(got)); m != "" {
				t.Errorf("plain text keeps the tag %q:\n%s", m, got)
			}
			if strings.Contains(got, "&lt;") || strings.Contains(got, "&amp;") || strings.Contains(got, "&quot;") {
				t.Errorf("plain text keeps entities:\n%s", got)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("plain text lacks %q:\n%s", w, got)
				}
			}
			// Nothing but the emphasis differs from what a reader of the
			// Telegram message sees.
			if plain := strings.ReplaceAll(got, "*", ""); plain != tghtml.StripTags(tt.html) {
				t.Errorf("plain text differs from the message's text:\n%s\n---\n%s", plain, tghtml.StripTags(tt.html))
			}
		})
	}
}

func TestPlainTextCases(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"<b>Đậm</b> và <i>nghiêng</i>", "*Đậm* và nghiêng"},
		{"<b> hai\ndòng </b>", " *hai*\n*dòng* "},
		{"<b></b>x", "x"},
		{`Xem <a href="https://example.org/a?b=1&amp;c=2">hướng dẫn</a>.`, "Xem hướng dẫn (https://example.org/a?b=1&c=2)."},
		{`<a href="https://example.org">https://example.org</a>`, "https://example.org"},
		{`<a href="tg://user?id=42">Lan</a>`, "Lan"},
		{`<a href="https://example.org/x"><b>Mở</b></a>`, "*Mở* (https://example.org/x)"},
		{"a < b &amp;&amp; c > d &#8211; e", "a < b && c > d – e"},
		{"<code>60%</code> <pre>x</pre> <blockquote>trích</blockquote> <tg-spoiler>s</tg-spoiler>", "60% x trích s"},
		{"<b>không đóng", "*không đóng*"},
		{"- mục 1\n- mục 2\n1. một\n2. hai", "- mục 1\n- mục 2\n1. một\n2. hai"},
	} {
		if got := zalo.PlainText(tt.in); got != tt.want {
			t.Errorf("PlainText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestPartsOfALongDigest: a digest longer than a Zalo message goes out in
// numbered parts, in order, each within 2,000 characters, cut at line
// boundaries, together holding every line.
func TestPartsOfALongDigest(t *testing.T) {
	text := zalo.PlainText(digest(t, i18n.New(i18n.VI), 60, strings.Repeat("Rà soát thủ tục hành chính cấp phường, ", 12)))
	if zalo.Length(text) <= 2*zalo.MaxText {
		t.Fatalf("digest is %d characters; the test needs more than two messages", zalo.Length(text))
	}
	parts := zalo.Parts(text, zalo.MaxText)
	if len(parts) < 3 {
		t.Fatalf("%d parts", len(parts))
	}
	var lines []string
	for i, p := range parts {
		if n := zalo.Length(p); n > zalo.MaxText {
			t.Errorf("part %d is %d characters", i+1, n)
		}
		label := fmt.Sprintf("(%d/%d)\n", i+1, len(parts))
		if !strings.HasPrefix(p, label) {
			t.Errorf("part %d does not start with %q: %.40q", i+1, label, p)
		}
		lines = append(lines, strings.Split(strings.TrimPrefix(p, label), "\n")...)
	}
	var want []string
	for _, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) != "" {
			want = append(want, strings.TrimSpace(l))
		}
	}
	var got []string
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			got = append(got, strings.TrimSpace(l))
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("parts do not hold the digest's lines in order (no line cut):\n%s\n---\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Sent through the Sender, the fake (which refuses anything over
	// 2,000 characters) records the same parts in order.
	srv, s, chat := newSender(t, zalo.SenderConfig{})
	if _, err := s.Send(context.Background(), chat, store.Payload{Text: digest(t, i18n.New(i18n.VI), 60, strings.Repeat("Rà soát thủ tục hành chính cấp phường, ", 12))}); err != nil {
		t.Fatal(err)
	}
	sent := srv.SentTo("6ede9afa66b88fe6d6a9")
	if len(sent) != len(parts) {
		t.Fatalf("sent %d messages, want %d", len(sent), len(parts))
	}
	for i := range sent {
		if sent[i].Text != parts[i] {
			t.Errorf("message %d = %.60q, want %.60q", i+1, sent[i].Text, parts[i])
		}
	}
}

func TestParts(t *testing.T) {
	if got := zalo.Parts(" \n", 0); got != nil {
		t.Errorf("Parts of blank = %q", got)
	}
	if got := zalo.Parts("ngắn", 0); len(got) != 1 || got[0] != "ngắn" {
		t.Errorf("Parts of a short text = %q", got)
	}
	// 10,000 characters with no line break: cut at spaces, 6 parts.
	long := strings.Repeat("chữ ", 2500)
	parts := zalo.Parts(long, 0)
	if len(parts) != 6 {
		t.Errorf("%d parts of 10,000 characters, want 6", len(parts))
	}
	for i, p := range parts {
		if zalo.Length(p) > zalo.MaxText || strings.HasSuffix(p, "ch") {
			t.Errorf("part %d: %d characters, ends %q", i+1, zalo.Length(p), p[len(p)-5:])
		}
	}
	// More than 9 parts: two-digit labels still fit.
	parts = zalo.Parts(strings.Repeat("một dòng\n", 300), 100)
	if len(parts) < 10 || !strings.HasPrefix(parts[9], fmt.Sprintf("(10/%d)\n", len(parts))) {
		t.Errorf("parts: %d, tenth %.12q", len(parts), parts[min(9, len(parts)-1)])
	}
	for _, p := range parts {
		if zalo.Length(p) > 100 {
			t.Errorf("part of %d characters over 100", zalo.Length(p))
		}
	}
	// An emoji outside the BMP counts 2.
	if n := zalo.Length("📌ă"); n != 3 {
		t.Errorf("Length = %d, want 3", n)
	}
}
