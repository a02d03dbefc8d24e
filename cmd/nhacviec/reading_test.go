package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// TestReading: the office records a reading of an external target through
// the CLI ("96,5%" in the Vietnamese way), the digest then judges it, and
// each bad input is a one-line error saying what to write.
func TestReading(t *testing.T) {
	c := newCLI(t)
	c.mustRun("import", examplePlan)
	st := c.store()
	ctx := context.Background()
	if _, err := st.DB().ExecContext(ctx, `UPDATE targets SET kind = 'external' WHERE key = 'the-che-kiem-tra-quyet-dinh'`); err != nil {
		t.Fatal(err)
	}

	out := c.mustRun("reading", "the-che-kiem-tra-quyet-dinh", "96,5%", "--at", "2025-03-10T09:00:00+07:00", "--note", "Sở Nội vụ công bố")
	if !strings.Contains(out, "reading of the-che-kiem-tra-quyet-dinh for 2025-03 recorded: 96.5") {
		t.Errorf("output = %q", out)
	}
	var row struct {
		Value    float64 `db:"value"`
		Period   string  `db:"period_key"`
		Source   string  `db:"source"`
		Note     string  `db:"note"`
		Official *int64  `db:"official_id"`
	}
	if err := st.DB().GetContext(ctx, &row, `
		SELECT value, period_key, source, note, official_id FROM target_readings r JOIN targets t ON t.id = r.target_id
		WHERE t.key = 'the-che-kiem-tra-quyet-dinh'`); err != nil {
		t.Fatal(err)
	}
	if row.Value != 96.5 || row.Period != "2025-03" || row.Source != "cli" || row.Note != "Sở Nội vụ công bố" || row.Official != nil {
		t.Errorf("stored reading = %+v", row)
	}
	js := c.mustRun("digest", "--period", "2025-Q1", "--format", "json", "--at", "2025-03-15T08:00:00+07:00")
	var d struct {
		Targets []struct {
			Key       string   `json:"key"`
			Kind      string   `json:"kind"`
			Judgement string   `json:"judgement"`
			Actual    *float64 `json:"actual"`
			Met       bool     `json:"met"`
		} `json:"targets"`
	}
	if err := json.Unmarshal([]byte(js), &d); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, tg := range d.Targets {
		if tg.Judgement == "" || tg.Kind == "" {
			t.Errorf("target %s lacks kind or judgement", tg.Key)
		}
		if tg.Key == "the-che-kiem-tra-quyet-dinh" {
			found = true
			if tg.Kind != "external" || tg.Judgement != "not_met" || tg.Met || tg.Actual == nil || *tg.Actual != 96.5 {
				t.Errorf("digest line = %+v", tg)
			}
		}
	}
	if !found {
		t.Error("the external target is not in the digest")
	}

	if _, err := st.DB().ExecContext(ctx, `UPDATE targets SET archived_at = '2025-03-01T10:00:00+07:00' WHERE key = 'the-che-qppl-cap-nhat-csdl'`); err != nil {
		t.Fatal(err)
	}
	at := "--at=2025-03-10T09:00:00+07:00"
	for _, bad := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"reading", "khong-co", "90", at}, 1, `unknown target "khong-co" in plan KH-CCHC-2025 of pdp`},
		{[]string{"reading", "the-che-qppl-cap-nhat-csdl", "90", at}, 1, `target "the-che-qppl-cap-nhat-csdl" was archived on 2025-03-01`},
		{[]string{"reading", "the-che-kiem-tra-quyet-dinh", "chín mươi", at}, 2, `value "chín mươi" is not a number`},
		{[]string{"reading", "the-che-kiem-tra-quyet-dinh", "120%", at}, 2, `a percent lies in 0..100`},
		{[]string{"reading", "the-che-kiem-tra-quyet-dinh"}, 2, "want TARGET_KEY VALUE"},
		{[]string{"reading", "the-che-kiem-tra-quyet-dinh", "90", "--at", "hôm qua"}, 2, "is not an RFC3339 instant"},
		{[]string{"reading", "the-che-kiem-tra-quyet-dinh", "90", "--at", "2030-01-10T09:00:00+07:00"}, 1, "unit pdp has no plan for 2030"},
		{[]string{"reading", "the-che-kiem-tra-quyet-dinh", "90", "--unit", "khong-co", at}, 1, `unknown unit "khong-co"`},
	} {
		code, _, stderr := c.run(bad.args...)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if last := lines[len(lines)-1]; code != bad.code || !strings.HasPrefix(last, "nhacviec reading: ") || !strings.Contains(last, bad.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and one line saying %q", bad.args[1:], code, stderr, bad.code, bad.want)
		}
	}

	// A second unit makes --unit necessary.
	if _, err := st.DB().ExecContext(ctx, `INSERT INTO units (code, name, timezone, created_at, updated_at)
		VALUES ('xa-khac', 'UBND xã Khác', 'Asia/Ho_Chi_Minh', now(), now())`); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := c.run("reading", "the-che-kiem-tra-quyet-dinh", "90", at); code != 2 || !strings.Contains(stderr, "--unit") {
		t.Errorf("two units: exit %d, stderr %q", code, stderr)
	}
	c.mustRun("reading", "the-che-kiem-tra-quyet-dinh", "90", "--unit", "pdp", at)
}
