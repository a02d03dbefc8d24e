package jobs_test

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// TestDigestEmail checks that, with e-mail configured, the monthly digest
// is also enqueued as one e-mail per unit and period to the managers with
// an address and to email.digest_to, with the workbook and the period
// report attached — once,
// however often the run is repeated.
func TestDigestEmail(t *testing.T) {
	cfg := eachConfig()
	cfg.Email.SMTPAddr = "127.0.0.1:2525"
	cfg.Email.From = "ubnd@pdp.example.vn"
	cfg.Email.DigestTo = []string{"noivu@myhoa.example.vn"}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, cfg)
	if _, err := e.st.DB().Exec(`UPDATE officials SET email = 'chutich@pdp.example.vn' WHERE key = 'chu-tich'`); err != nil {
		t.Fatal(err)
	}
	// A vice-chairman receives what the chairman receives; a member does not.
	if _, err := e.st.DB().Exec(`UPDATE officials SET email = 'pct@pdp.example.vn', roles = '{vice_chairman}' WHERE key = 'tai-chinh'`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.DB().Exec(`UPDATE officials SET email = 'tuphap@pdp.example.vn' WHERE key = 'tu-phap'`); err != nil {
		t.Fatal(err)
	}
	// The monthly digest of 2025-01 (decree09: 15/12/2024–14/1/2025) runs on 15/1 at 08:00.
	for i := 0; i < 2; i++ {
		if _, err := e.s.RunAt(context.Background(), at("2025-01-15 08:00")); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := e.st.EmailRows(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 {
		t.Fatalf("%d e-mails, want one for the unit's monthly digest", len(rows))
	}
	m := rows[0]
	if !slices.Contains(m.To, "chutich@pdp.example.vn") || !slices.Contains(m.To, "noivu@myhoa.example.vn") ||
		!slices.Contains(m.To, "pct@pdp.example.vn") || slices.Contains(m.To, "tuphap@pdp.example.vn") {
		t.Errorf("recipients %v", m.To)
	}
	if !strings.Contains(m.Subject, "2025") || !strings.Contains(m.Text, "TỔNG HỢP BÁO CÁO") {
		t.Errorf("subject %q, body %.80q", m.Subject, m.Text)
	}
	if !strings.Contains(string(m.RawAttachments), ".xlsx") {
		t.Errorf("no workbook attached: %.120s", m.RawAttachments)
	}
	if !strings.Contains(string(m.RawAttachments), "bao-cao-cchc-pdp-2025-01.docx") {
		t.Errorf("no period report attached: %.120s", m.RawAttachments)
	}
}
