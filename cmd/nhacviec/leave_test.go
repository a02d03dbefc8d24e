package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// TestLeave: the office records, lists and ends leaves through the CLI,
// in both date forms; each bad input is a one-line error and changes
// nothing; the digest still counts the absent official's tasks as theirs.
func TestLeave(t *testing.T) {
	c := newCLI(t)
	c.mustRun("import", examplePlan)
	st := c.store()
	ctx := context.Background()
	at := "--at=2025-02-20T09:00:00+07:00"

	out := c.mustRun("leave", "tu-phap", "--from", "24/02/2025", "--to", "2025-02-28", "--standin", "tai-chinh", at)
	if !strings.Contains(out, "leave of tu-phap recorded: 2025-02-24 to 2025-02-28, stand-in tai-chinh") {
		t.Errorf("output = %q", out)
	}
	out = c.mustRun("leave", "van-phong", "--from", "3/3/2025", "--to", "4/3/2025", at)
	if !strings.Contains(out, "stand-in none") {
		t.Errorf("output = %q", out)
	}
	count := func() int {
		var n int
		if err := st.DB().GetContext(ctx, &n, `SELECT count(*) FROM leaves WHERE cancelled_at IS NULL`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != 2 {
		t.Fatalf("%d active leaves, want 2", n)
	}

	// A second unit with an official of its own, for "another unit".
	if _, err := st.DB().ExecContext(ctx, `
		WITH u AS (INSERT INTO units (code, name, created_at, updated_at) VALUES ('xa-khac', 'UBND xã Khác', now(), now()) RETURNING id)
		INSERT INTO officials (unit_id, key, name, created_at, updated_at) SELECT id, 'can-bo-khac', 'Cán bộ khác', now(), now() FROM u`); err != nil {
		t.Fatal(err)
	}
	pdp := "--unit=pdp"
	for _, bad := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"leave", "khong-co", "--from", "01/03/2025", "--to", "02/03/2025"}, 1, `unknown official "khong-co" in unit pdp`},
		{[]string{"leave", "dia-chinh-xd", "--from", "05/03/2025", "--to", "04/03/2025"}, 2, "--to 2025-03-04 is before --from 2025-03-05"},
		{[]string{"leave", "dia-chinh-xd", "--from", "30/02/2025", "--to", "04/03/2025"}, 2, `--from: invalid date "30/02/2025"`},
		{[]string{"leave", "tu-phap", "--from", "27/02/2025", "--to", "03/03/2025"}, 1, "tu-phap already has a leave from 2025-02-24 to 2025-02-28 overlapping this one"},
		{[]string{"leave", "dia-chinh-xd", "--from", "02/03/2025", "--to", "06/03/2025", "--standin", "van-phong"}, 1, "--standin van-phong is on leave from 2025-03-03 to 2025-03-04"},
		{[]string{"leave", "dia-chinh-xd", "--from", "10/03/2025", "--to", "11/03/2025", "--standin", "dia-chinh-xd"}, 1, "--standin dia-chinh-xd is the official on leave"},
		{[]string{"leave", "dia-chinh-xd", "--from", "10/03/2025", "--to", "11/03/2025", "--standin", "can-bo-khac"}, 1, `official "can-bo-khac" belongs to unit xa-khac, not pdp`},
		{[]string{"leave", "dia-chinh-xd", "--from", "10/03/2025"}, 2, "want --from DATE and --to DATE"},
		{[]string{"leave", "--list", "tu-phap"}, 2, "--list takes no KEY"},
		{[]string{"leave", "dia-chinh-xd", "--cancel"}, 1, `official "dia-chinh-xd" has no current or future leave`},
	} {
		args := append(bad.args, at, pdp)
		code, _, stderr := c.run(args...)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if last := lines[len(lines)-1]; code != bad.code || !strings.HasPrefix(last, "nhacviec leave: ") || !strings.Contains(last, bad.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and one line saying %q", bad.args[1:], code, stderr, bad.code, bad.want)
		}
		if n := count(); n != 2 {
			t.Fatalf("%v changed the leaves: %d active", bad.args[1:], n)
		}
	}

	list := c.mustRun("leave", "--list", at, pdp)
	if !strings.Contains(list, "tu-phap") || !strings.Contains(list, "2025-02-24  2025-02-28  tai-chinh") ||
		!strings.Contains(list, "van-phong") {
		t.Errorf("list = %q", list)
	}

	// The digest of the quarter, during van-phong's leave, names each
	// task's own lead: van-phong's overdue task stays van-phong's.
	js := c.mustRun("digest", "--period", "2025-Q1", "--format", "json", "--unit", "pdp", "--at", "2025-03-04T08:00:00+07:00")
	var d struct {
		Tasks []struct {
			Key  string `json:"key"`
			Lead string `json:"lead"`
		} `json:"tasks"`
	}
	if err := json.Unmarshal([]byte(js), &d); err != nil {
		t.Fatal(err)
	}
	ofOffice := 0
	for _, tk := range d.Tasks {
		var lead string
		if err := st.DB().GetContext(ctx, &lead, `SELECT o.key FROM tasks t JOIN officials o ON o.id = t.lead_id WHERE t.key = $1`, tk.Key); err != nil {
			t.Fatal(err)
		}
		if tk.Lead != lead {
			t.Errorf("digest task %s: lead %s, want %s", tk.Key, tk.Lead, lead)
		}
		if tk.Key == "ke-hoach-ra-soat-tthc" && tk.Lead == "van-phong" {
			ofOffice++
		}
	}
	if ofOffice == 0 {
		t.Errorf("van-phong's overdue task is not theirs in the digest: %+v", d.Tasks)
	}

	// --cancel during the leave ends it yesterday; before it, cancels it.
	out = c.mustRun("leave", "tu-phap", "--cancel", "--at=2025-02-26T09:00:00+07:00", pdp)
	if !strings.Contains(out, "leave of tu-phap from 2025-02-24 ended: last day 2025-02-25, back 2025-02-26") {
		t.Errorf("cancel output = %q", out)
	}
	out = c.mustRun("leave", "van-phong", "--cancel", at, pdp)
	if !strings.Contains(out, "leave of van-phong from 2025-03-03 to 2025-03-04 cancelled") {
		t.Errorf("cancel output = %q", out)
	}
	var to string
	if err := st.DB().GetContext(ctx, &to, `SELECT to_date::text FROM leaves l JOIN officials o ON o.id = l.official_id WHERE o.key = 'tu-phap'`); err != nil || to != "2025-02-25" {
		t.Errorf("tu-phap's leave ends %q (%v)", to, err)
	}
	if n := count(); n != 1 {
		t.Errorf("%d active leaves after the cancellation, want 1", n)
	}
}
