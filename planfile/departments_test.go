package planfile

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/nhacviec/nhacviec/plan"
)

// orgPlan is a post-reform plan: departments, a vice-chairman supervising
// an area, a partner supporting, a task with two leads. Line numbers
// matter to the tests below.
const orgPlan = `unit: {code: hoa-an, name: "UBND phường Hòa An"}
plan: {code: KH-2026, title: "Kế hoạch CCHC năm 2026", year: 2026}
officials:
  - {key: chu-tich, name: "Chủ tịch", roles: [chairman]}
  - {key: pct, name: "Phó Chủ tịch", roles: [vice_chairman]}
  - {key: chanh-vp, name: "Chánh Văn phòng", roles: [office]}
  - {key: cv-vp, name: "Chuyên viên Văn phòng"}
  - {key: tp-kt, name: "Trưởng phòng Kinh tế"}
  - {key: cv-kt, name: "Chuyên viên Kinh tế"}
  - {key: cong-an, name: "Công an phường", roles: [partner]}
departments:
  - {key: vp, name: "Văn phòng HĐND và UBND", head: chanh-vp, members: [chanh-vp, cv-vp]}
  - {key: kt, name: "Phòng Kinh tế, Hạ tầng và Đô thị", head: tp-kt, members: cv-kt}
areas:
  - code: "1"
    name: "Cải cách thủ tục hành chính"
    supervisor: pct
    tasks:
      - {key: a, title: "A", lead: vp, support: [cong-an, kt], due: 2026-Q1}
      - {key: b, title: "B", lead: [kt, chu-tich], support: cv-vp, due: 2026-06-30}
`

// orgEdit returns orgPlan with line n (1-based) replaced by each of lines.
func orgEdit(n int, lines ...string) string {
	all := strings.Split(orgPlan, "\n")
	out := append([]string{}, all[:n-1]...)
	out = append(out, lines...)
	return strings.Join(append(out, all[n:]...), "\n")
}

func TestParseDepartments(t *testing.T) {
	f, err := Parse("plan.yaml", []byte(orgPlan))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if len(f.Departments) != 2 {
		t.Fatalf("departments = %+v, want 2", f.Departments)
	}
	vp, kt := f.Departments[0], f.Departments[1]
	if vp.Key != "vp" || vp.Head != "chanh-vp" || !slices.Equal(vp.Members, []string{"chanh-vp", "cv-vp"}) {
		t.Errorf("vp = %+v: want head chanh-vp, members [chanh-vp cv-vp] (the head listed again once)", vp)
	}
	if !slices.Equal(kt.Members, []string{"tp-kt", "cv-kt"}) {
		t.Errorf("kt members = %v, want [tp-kt cv-kt] (one member written without a list)", kt.Members)
	}
	if a := f.Areas[0]; a.Supervisor != "pct" {
		t.Errorf("supervisor = %q, want pct", a.Supervisor)
	}
	a, b := f.Areas[0].Tasks[0], f.Areas[0].Tasks[1]
	if a.Lead != "vp" || !slices.Equal(a.Leads, []string{"vp"}) || !slices.Equal(a.Support, []string{"cong-an", "kt"}) {
		t.Errorf("task a = lead %q leads %v support %v", a.Lead, a.Leads, a.Support)
	}
	if b.Lead != "kt" || !slices.Equal(b.Leads, []string{"kt", "chu-tich"}) || !slices.Equal(b.Support, []string{"cv-vp"}) {
		t.Errorf("task b = lead %q leads %v support %v", b.Lead, b.Leads, b.Support)
	}
	if !f.IsDepartment("kt") || f.IsDepartment("tp-kt") {
		t.Errorf("IsDepartment(kt), IsDepartment(tp-kt) = %v, %v", f.IsDepartment("kt"), f.IsDepartment("tp-kt"))
	}
	if o, _ := f.Official("pct"); !slices.Equal(o.Roles, []plan.Role{plan.RoleViceChairman}) {
		t.Errorf("pct roles = %v", o.Roles)
	}
}

// TestParseDepartmentErrors: each bad input of the departments, leads,
// supporters and supervisors is a mistake at its line and field, and only
// that mistake.
func TestParseDepartmentErrors(t *testing.T) {
	type wantErr struct {
		line  int
		field string
		msg   string
	}
	tests := []struct {
		name string
		src  string
		want []wantErr
	}{
		{"unknown head", orgEdit(12, `  - {key: vp, name: "VP", head: chanh, members: [cv-vp]}`),
			[]wantErr{{12, "departments[0].head", `unknown official "chanh"`}}},
		{"missing head", orgEdit(12, `  - {key: vp, name: "VP", members: [chanh-vp, cv-vp]}`),
			[]wantErr{{12, "departments[0].head", "missing required field"}}},
		{"unknown member", orgEdit(12, `  - {key: vp, name: "VP", head: chanh-vp, members: [cv-vpp]}`),
			[]wantErr{{12, "departments[0].members[0]", `unknown official "cv-vpp"`}}},
		{"member in two departments", orgEdit(13, `  - {key: kt, name: "KT", head: tp-kt, members: [cv-kt, cv-vp]}`),
			[]wantErr{{13, "departments[1].members[1]", `official "cv-vp" is already in department "vp" (line 12)`}}},
		{"head of one, member of another", orgEdit(13, `  - {key: kt, name: "KT", head: tp-kt, members: [cv-kt, chanh-vp]}`),
			[]wantErr{{13, "departments[1].members[1]", `official "chanh-vp" is already in department "vp"`}}},
		{"member listed twice", orgEdit(12, `  - {key: vp, name: "VP", head: chanh-vp, members: [cv-vp, cv-vp]}`),
			[]wantErr{{12, "departments[0].members[1]", `official "cv-vp" listed twice`}}},
		{"partner as member", orgEdit(12, `  - {key: vp, name: "VP", head: chanh-vp, members: [cv-vp, cong-an]}`),
			[]wantErr{{12, "departments[0].members[1]", `"cong-an" is a partner`}}},
		{"partner as head", orgEdit(13, `  - {key: kt, name: "KT", head: cong-an, members: [tp-kt, cv-kt]}`),
			[]wantErr{{13, "departments[1].head", `"cong-an" is a partner`}}},
		{"key clashes with an official's", orgEdit(13, `  - {key: tp-kt, name: "KT", head: cv-kt}`),
			[]wantErr{
				{13, "departments[1].key", `department key "tp-kt" is also an official's key (line 8)`},
				// tp-kt is no longer in a department, and the lead kt is unknown.
				{19, "areas[0].tasks[0].support[1]", `unknown official or department "kt"`},
				{20, "areas[0].tasks[1].lead[0]", `unknown official or department "kt"`},
			}},
		{"duplicate department key", orgEdit(13, `  - {key: vp, name: "KT", head: tp-kt, members: [cv-kt]}`),
			[]wantErr{
				{13, "departments[1].key", `duplicate department key "vp" (first at line 12)`},
				{19, "areas[0].tasks[0].support[1]", `unknown official or department "kt"`},
				{20, "areas[0].tasks[1].lead[0]", `unknown official or department "kt"`},
			}},
		{"department leading nothing", orgEdit(20, `      - {key: b, title: "B", lead: chu-tich, support: [cv-vp, kt], due: 2026-06-30}`),
			[]wantErr{{13, "departments[1]", `department "kt" leads no task`}}},
		{"partner as lead", orgEdit(20, `      - {key: b, title: "B", lead: [kt, cong-an], due: 2026-06-30}`),
			[]wantErr{{20, "areas[0].tasks[1].lead[1]", `"cong-an" is a partner`}}},
		{"partner as the only lead", orgEdit(19, `      - {key: a, title: "A", lead: cong-an, support: vp, due: 2026-Q1}`),
			[]wantErr{
				{12, "departments[0]", `department "vp" leads no task`},
				{19, "areas[0].tasks[0].lead", `"cong-an" is a partner`},
			}},
		{"unknown lead", orgEdit(20, `      - {key: b, title: "B", lead: [kt, kinh-te], due: 2026-06-30}`),
			[]wantErr{{20, "areas[0].tasks[1].lead[1]", `unknown official or department "kinh-te"`}}},
		{"lead twice", orgEdit(20, `      - {key: b, title: "B", lead: [kt, kt], due: 2026-06-30}`),
			[]wantErr{{20, "areas[0].tasks[1].lead[1]", `department "kt" listed twice as lead`}}},
		{"empty lead list", orgEdit(19, `      - {key: a, title: "A", lead: [], support: [kt], due: 2026-Q1}`),
			[]wantErr{
				{12, "departments[0]", `department "vp" leads no task`},
				{19, "areas[0].tasks[0].lead", "list at least one lead"},
			}},
		{"department both lead and support", orgEdit(20, `      - {key: b, title: "B", lead: [kt, chu-tich], support: [kt], due: 2026-06-30}`),
			[]wantErr{{20, "areas[0].tasks[1].support[0]", `department "kt" is the lead`}}},
		{"unknown supporter", orgEdit(20, `      - {key: b, title: "B", lead: kt, support: cong-ann, due: 2026-06-30}`),
			[]wantErr{{20, "areas[0].tasks[1].support", `unknown official or department "cong-ann"`}}},
		{"supervisor a member", orgEdit(17, `    supervisor: cv-vp`),
			[]wantErr{{17, "areas[0].supervisor", `official "cv-vp" is neither the chairman nor a vice-chairman`}}},
		{"supervisor the office", orgEdit(17, `    supervisor: chanh-vp`),
			[]wantErr{{17, "areas[0].supervisor", "neither the chairman nor a vice-chairman"}}},
		{"supervisor a department", orgEdit(17, `    supervisor: vp`),
			[]wantErr{{17, "areas[0].supervisor", `"vp" is a department`}}},
		{"supervisor unknown", orgEdit(17, `    supervisor: pct2`),
			[]wantErr{{17, "areas[0].supervisor", `unknown official "pct2"`}}},
		{"unknown role", orgEdit(5, `  - {key: pct, name: "Phó Chủ tịch", roles: [vice-chairman]}`),
			[]wantErr{
				{5, "officials[1].roles[0]", `unknown role "vice-chairman": want chairman, vice_chairman, office, member or partner`},
				{17, "areas[0].supervisor", "neither the chairman nor a vice-chairman"},
			}},
		{"department without a name", orgEdit(13, `  - {key: kt, head: tp-kt, members: [cv-kt]}`),
			[]wantErr{{13, "departments[1].name", "missing required field"}}},
		{"unknown department field", orgEdit(13, `  - {key: kt, name: "KT", head: tp-kt, staff: [cv-kt]}`),
			[]wantErr{{13, "departments[1].staff", `unknown field "staff"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("plan.yaml", []byte(tt.src))
			if f != nil {
				t.Errorf("Parse returned a File along with errors")
			}
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("Parse error = %v (%T), want Errors", err, err)
			}
			if len(errs) != len(tt.want) {
				t.Fatalf("got %d errors, want %d:\n%v", len(errs), len(tt.want), err)
			}
			for i, w := range tt.want {
				e := errs[i]
				if e.Line != w.line || e.Field != w.field || !strings.Contains(e.Msg, w.msg) {
					t.Errorf("error %d = %q\nwant line %d, field %q, message containing %q", i, e.Error(), w.line, w.field, w.msg)
				}
			}
		})
	}
}

// TestExample2026Departments: the illustrative 2026 plan uses the four
// departments of a post-reform ward, a vice-chairman supervising areas,
// partners supporting tasks and a task with two leads.
func TestExample2026Departments(t *testing.T) {
	data, err := os.ReadFile("../examples/hoa-an-2026.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse("hoa-an-2026.yaml", data)
	if err != nil {
		t.Fatalf("the 2026 example does not parse:\n%v", err)
	}
	var names []string
	for _, d := range f.Departments {
		names = append(names, d.Name)
	}
	want := []string{"Văn phòng HĐND và UBND", "Phòng Kinh tế, Hạ tầng và Đô thị", "Phòng Văn hóa – Xã hội", "Trung tâm Phục vụ hành chính công"}
	if !slices.Equal(names, want) {
		t.Errorf("departments = %q, want %q", names, want)
	}
	supervised, twoLeads, departmentLeads := 0, 0, 0
	partners := map[string]bool{}
	for _, a := range f.Areas {
		if a.Supervisor == "pct-vhxh" {
			supervised++
		}
		for _, task := range a.Tasks {
			if len(task.Leads) == 2 {
				twoLeads++
			}
			if f.IsDepartment(task.Lead) {
				departmentLeads++
			}
			for _, s := range task.Support {
				if o, ok := f.Official(s); ok && slices.Contains(o.Roles, plan.RolePartner) {
					partners[s] = true
				}
			}
		}
	}
	if supervised == 0 || twoLeads != 1 || departmentLeads < 4 || !partners["cong-an"] || !partners["mttq"] {
		t.Errorf("supervised areas %d, tasks with two leads %d, department-led tasks %d, partners supporting %v",
			supervised, twoLeads, departmentLeads, partners)
	}
}
