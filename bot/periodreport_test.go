package bot_test

import (
	"strings"
	"testing"

	"github.com/nhacviec/nhacviec/docx"
)

// TestPeriodReportCommand: /baocaoky sends the chairman and the office the
// unit's period report of the quarter that closed last (on 10/3/2025 under
// decree09: 2024-Q4) as a Word document
// (valid, naming the period), /periodreport 2025-03 the month's, in the
// official's language; a member and a vice-chairman are refused, a bad
// argument gets the usage.
func TestPeriodReportCommand(t *testing.T) {
	h := newHarness(t)
	h.srv.SendCommand(chairUser, chairUser, "baocaoky", "")
	m := h.nextTo(chairUser, 1)
	if m.Method != "sendDocument" || m.Document == nil || m.Document.Name != "bao-cao-cchc-pdp-2024-Q4.docx" ||
		!strings.Contains(m.Plain(), "Dự thảo báo cáo CCHC quý IV/2024") {
		t.Fatalf("chairman /baocaoky: %s %q %v", m.Method, m.Plain(), m.Document != nil)
	}
	c := readReport(t, m.Document.Data)
	if !hasPara(c, "Kết quả thực hiện công tác cải cách hành chính quý IV năm 2024") {
		t.Errorf("the report's paragraphs: %q", c.Paragraphs[:4])
	}
	if sign := c.Tables[len(c.Tables)-1][0][1]; !strings.HasSuffix(sign, "Vương Văn Toàn") {
		t.Errorf("signature %q", sign)
	}

	if _, err := h.st.DB().Exec(`UPDATE officials SET language = 'en' WHERE id = $1`, h.office); err != nil {
		t.Fatal(err)
	}
	h.srv.SendCommand(officeUser, officeUser, "periodreport", "2025-03")
	m = h.nextTo(officeUser, 1)
	if m.Document == nil || m.Document.Name != "bao-cao-cchc-pdp-2025-03.docx" {
		t.Fatalf("office /periodreport 2025-03: %s %q", m.Method, m.Plain())
	}
	if c := readReport(t, m.Document.Data); !hasPara(c, "Results of the administrative reform work in month 3 of 2025") {
		t.Errorf("the English report's paragraphs: %q", c.Paragraphs[:4])
	}
	h.srv.SendCommand(officeUser, officeUser, "baocaoky", "tuần")
	if got := h.nextTo(officeUser, 2).Plain(); !strings.Contains(got, "/periodreport [month|quarter|half|year]") {
		t.Errorf("bad argument: %q", got)
	}

	h.srv.SendCommand(memberUser, memberUser, "baocaoky", "")
	if m := h.nextTo(memberUser, 1); m.Document != nil || !strings.Contains(m.Plain(), "Chỉ Chủ tịch và Văn phòng UBND nhận được báo cáo kỳ") {
		t.Errorf("member /baocaoky: %s %q", m.Method, m.Plain())
	}
	if _, err := h.st.DB().Exec(`UPDATE officials SET roles = '{vice_chairman}' WHERE id = $1`, h.outsider); err != nil {
		t.Fatal(err)
	}
	h.srv.SendCommand(outsideUser, outsideUser, "baocaoky", "")
	if m := h.nextTo(outsideUser, 1); m.Document != nil {
		t.Errorf("vice-chairman /baocaoky got the report")
	}
}

func readReport(t *testing.T, data []byte) docx.Content {
	t.Helper()
	if err := docx.Validate(data); err != nil {
		t.Fatal(err)
	}
	c, err := docx.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func hasPara(c docx.Content, s string) bool {
	for _, p := range c.Paragraphs {
		if strings.Contains(p, s) {
			return true
		}
	}
	return false
}
