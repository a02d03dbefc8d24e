package bot_test

import (
	"context"
	"strings"
	"testing"
)

// TestLeaveCommand: /nghiphep for oneself with a stand-in and by the
// office for another; each bad input a reply that changes nothing; the
// list in English (/leave); the stand-in's /viec shows what they cover
// and their progress reply counts; /nghiphep huy ends it, and the
// stand-in may no longer report.
func TestLeaveCommand(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	ask := func(user int64, cmd, args string) string {
		t.Helper()
		n := len(h.srv.SentTo(user))
		h.srv.SendCommand(user, user, cmd, args)
		return h.nextTo(user, n+1).Plain()
	}
	leaves := func() int {
		t.Helper()
		var n int
		if err := h.st.DB().GetContext(ctx, &n, `SELECT count(*) FROM leaves WHERE cancelled_at IS NULL`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if _, err := h.st.DB().ExecContext(ctx, `UPDATE officials SET language = 'en' WHERE id = $1`, h.chairman); err != nil {
		t.Fatal(err)
	}

	steps := []struct {
		user      int64
		cmd, args string
		want      string
		leaves    int
	}{
		{memberUser, "nghiphep", "10/03/2025 14/03/2025 tai-chinh",
			"Đã ghi nhận nghỉ phép của đồng chí Công chức Tư pháp - Hộ tịch từ 10/03/2025 đến 14/03/2025; người thay: Công chức Tài chính - Kế toán", 1},
		{memberUser, "nghiphep", "dia-chinh-xd 17/03/2025 18/03/2025", "Chỉ Văn phòng hoặc Chủ tịch", 1},
		{memberUser, "nghiphep", "12/03/2025 20/03/2025", "đã có đợt nghỉ phép từ 10/03/2025 đến 14/03/2025 trùng thời gian này", 1},
		{memberUser, "nghiphep", "01/04/2025 02/04/2025 tu-phap", "Người thay phải là cán bộ khác", 1},
		{memberUser, "nghiphep", "31/02/2025 02/04/2025", "Ngày 31/02/2025 không hợp lệ", 1},
		{memberUser, "nghiphep", "05/04/2025 01/04/2025", "Ngày kết thúc 01/04/2025 trước ngày bắt đầu 05/04/2025", 1},
		{memberUser, "nghiphep", "05/04/2025", "Cách dùng", 1},
		{officeUser, "nghiphep", "dia-chinh-xd 12/03/2025 13/03/2025",
			"Đã ghi nhận nghỉ phép của đồng chí Công chức Địa chính - xây dựng từ 12/03/2025 đến 13/03/2025, không có người thay", 2},
		{officeUser, "nghiphep", "chu-tich 13/03/2025 13/03/2025 dia-chinh-xd",
			"Người thay Công chức Địa chính - xây dựng cũng nghỉ phép từ 12/03/2025 đến 13/03/2025", 2},
		{officeUser, "nghiphep", "khong-co 13/03/2025 13/03/2025", "Không có cán bộ, công chức mã khong-co", 2},
		{chairUser, "leave", "", "Current and future leaves", 2},
	}
	for _, s := range steps {
		got := ask(s.user, s.cmd, s.args)
		if !strings.Contains(got, s.want) {
			t.Fatalf("/%s %s from %d: %q, want it to contain %q", s.cmd, s.args, s.user, got, s.want)
		}
		if n := leaves(); n != s.leaves {
			t.Fatalf("after /%s %s: %d leaves, want %d", s.cmd, s.args, n, s.leaves)
		}
	}
	list := ask(chairUser, "leave", "")
	for _, want := range []string{"Công chức Tư pháp - Hộ tịch: 10/03/2025 – 14/03/2025, stand-in: Công chức Tài chính - Kế toán",
		"Công chức Địa chính - xây dựng: 12/03/2025 – 13/03/2025, stand-in: none"} {
		if !strings.Contains(list, want) {
			t.Errorf("list %q lacks %q", list, want)
		}
	}

	// The stand-in's /viec lists the task they cover, marked.
	if got := ask(outsideUser, "viec", ""); !strings.Contains(got, taskTitle) ||
		!strings.Contains(got, "thay đồng chí Công chức Tư pháp - Hộ tịch") {
		t.Fatalf("stand-in's /viec: %q", got)
	}
	// The stand-in reports progress on it.
	reminder := h.remind(h.outsider, outsideUser, "remind:standin")
	n := len(h.srv.SentTo(outsideUser))
	h.srv.Reply(outsideUser, outsideUser, reminder.MessageID, "60% đã trình ký")
	if got := h.nextTo(outsideUser, n+1).Plain(); !strings.Contains(got, "60%") {
		t.Fatalf("stand-in's report: %q", got)
	}
	if o := h.occurrenceNow(); o.Percent != 60 {
		t.Fatalf("percent %d after the stand-in's report", o.Percent)
	}
	if rs := h.reports(); len(rs) != 1 || rs[0].OfficialID == nil || *rs[0].OfficialID != h.outsider {
		t.Fatalf("reports = %+v", rs)
	}

	// Back early: the leave, begun today, is cancelled; the stand-in may
	// no longer report.
	if got := ask(memberUser, "nghiphep", "huy"); !strings.Contains(got, "Đã hủy đợt nghỉ phép của đồng chí Công chức Tư pháp - Hộ tịch từ 10/03/2025 đến 14/03/2025") {
		t.Fatalf("/nghiphep huy: %q", got)
	}
	n = len(h.srv.SentTo(outsideUser))
	h.srv.Reply(outsideUser, outsideUser, reminder.MessageID, "80%")
	if got := h.nextTo(outsideUser, n+1).Plain(); !strings.Contains(got, "không phải người chủ trì hoặc phối hợp") {
		t.Fatalf("former stand-in's report: %q", got)
	}
	if o := h.occurrenceNow(); o.Percent != 60 {
		t.Fatalf("percent %d after a refused report", o.Percent)
	}
	if got := ask(memberUser, "nghiphep", "huy"); !strings.Contains(got, "không có đợt nghỉ phép hiện tại hay sắp tới") {
		t.Fatalf("second /nghiphep huy: %q", got)
	}
	// The office ends another's leave.
	if got := ask(officeUser, "nghiphep", "huy dia-chinh-xd"); !strings.Contains(got, "Đã hủy đợt nghỉ phép của đồng chí Công chức Địa chính - xây dựng") {
		t.Fatalf("/nghiphep huy dia-chinh-xd: %q", got)
	}
	if n := leaves(); n != 0 {
		t.Errorf("%d leaves left", n)
	}
}
