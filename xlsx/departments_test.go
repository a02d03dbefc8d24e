package xlsx_test

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/nhacviec/nhacviec/planfile"
	"github.com/nhacviec/nhacviec/xlsx"
)

// orgPlan is a ward plan with departments, a supervisor, a partner and a
// task with two leads.
const orgPlan = `unit: {code: hoa-an, name: "UBND phường Hòa An"}
plan: {code: KH-2026, title: "Kế hoạch CCHC năm 2026", year: 2026}
officials:
  - {key: chu-tich, name: "Chủ tịch", position: "Chủ tịch UBND phường", roles: [chairman]}
  - {key: pct, name: "Phó Chủ tịch", position: "Phó Chủ tịch UBND phường", roles: [vice_chairman]}
  - {key: chanh-vp, name: "Chánh Văn phòng", position: "Chánh Văn phòng HĐND và UBND", roles: [office]}
  - {key: cv-vp, name: "Chuyên viên Văn phòng"}
  - {key: tp-kt, name: "Trưởng phòng Kinh tế", position: "Trưởng phòng Kinh tế, Hạ tầng và Đô thị"}
  - {key: cv-kt, name: "Chuyên viên Kinh tế"}
  - {key: cong-an, name: "Công an phường", roles: [partner]}
departments:
  - {key: vp, name: "Văn phòng HĐND và UBND", head: chanh-vp, members: [cv-vp]}
  - {key: kt, name: "Phòng Kinh tế, Hạ tầng và Đô thị", head: tp-kt, members: [cv-kt]}
areas:
  - code: "1"
    name: "Cải cách thủ tục hành chính"
    supervisor: pct
    tasks:
      - {key: a, title: "A", lead: vp, support: [cong-an, kt], due: 2026-Q1}
      - {key: b, title: "B", lead: [kt, chu-tich], support: cv-vp, due: 2026-06-30}
`

func orgWorkbook(t *testing.T) (*planfile.File, []byte) {
	t.Helper()
	f, err := planfile.Parse("org.yaml", []byte(orgPlan))
	if err != nil {
		t.Fatal(err)
	}
	data, err := xlsx.Template(f)
	if err != nil {
		t.Fatal(err)
	}
	return f, data
}

// editOrg opens the template of orgPlan, applies change and returns the
// bytes.
func editOrg(t *testing.T, change func(wb *excelize.File)) []byte {
	t.Helper()
	_, data := orgWorkbook(t)
	wb, err := excelize.OpenReader(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	change(wb)
	buf, err := wb.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestTemplateRoundTripDepartments(t *testing.T) {
	want, data := orgWorkbook(t)
	got, err := xlsx.ParsePlan("plan.xlsx", data)
	if err != nil {
		t.Fatalf("ParsePlan: %v", err)
	}
	if g, w := withoutPositions(got), withoutPositions(want); !reflect.DeepEqual(g, w) {
		t.Fatalf("round trip changed the plan:\n got %+v\nwant %+v", g, w)
	}
}

// TestParsePlanDepartmentWords: the Chủ trì and Phối hợp cells take a
// department's name as well as its key, several leads, and a position;
// Lãnh đạo phụ trách takes a position.
func TestParsePlanDepartmentWords(t *testing.T) {
	data := editOrg(t, func(wb *excelize.File) {
		row := rowOf(t, wb, xlsx.SheetTasks, "b")
		set(t, wb, xlsx.SheetTasks, "D"+row, "Phòng Kinh tế,  hạ tầng và đô thị; Chủ tịch")
		set(t, wb, xlsx.SheetTasks, "E"+row, "Văn phòng HĐND và UBND")
		set(t, wb, xlsx.SheetAreas, "C2", "Phó Chủ tịch")
		set(t, wb, xlsx.SheetDepartments, "D3", "cv-kt")
	})
	got, err := xlsx.ParsePlan("plan.xlsx", data)
	if err != nil {
		t.Fatalf("ParsePlan: %v", err)
	}
	b := got.Areas[0].Tasks[1]
	if !slices.Equal(b.Leads, []string{"kt", "chu-tich"}) || !slices.Equal(b.Support, []string{"vp"}) {
		t.Errorf("task b leads %v support %v; want [kt chu-tich] and [vp]", b.Leads, b.Support)
	}
	if got.Areas[0].Supervisor != "pct" {
		t.Errorf("supervisor = %q, want pct", got.Areas[0].Supervisor)
	}
}

func TestParsePlanDepartmentErrors(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, wb *excelize.File)
		want   string
	}{
		{"unknown member", func(t *testing.T, wb *excelize.File) {
			set(t, wb, xlsx.SheetDepartments, "D3", "cv-ktt")
		}, `plan.xlsx: Phòng ban!D3: members: unknown official "cv-ktt"`},
		{"unknown head", func(t *testing.T, wb *excelize.File) {
			set(t, wb, xlsx.SheetDepartments, "C2", "Giám đốc")
		}, `plan.xlsx: Phòng ban!C2: head: "Giám đốc" is neither an official's key nor the position of one`},
		{"an official in two departments", func(t *testing.T, wb *excelize.File) {
			set(t, wb, xlsx.SheetDepartments, "D3", "cv-kt, cv-vp")
		}, `plan.xlsx: Phòng ban!D3: members: official "cv-vp" is already in department "vp" (sheet Phòng ban, row 2)`},
		{"a department leading nothing", func(t *testing.T, wb *excelize.File) {
			set(t, wb, xlsx.SheetTasks, "D"+rowOf(t, wb, xlsx.SheetTasks, "b"), "chu-tich")
		}, `plan.xlsx: Phòng ban!A3: department "kt" leads no task`},
		{"a partner as lead", func(t *testing.T, wb *excelize.File) {
			set(t, wb, xlsx.SheetTasks, "D"+rowOf(t, wb, xlsx.SheetTasks, "b"), "kt, cong-an")
		}, `plan.xlsx: Nhiệm vụ!D3: lead: official "cong-an" is a partner`},
		{"an unknown department name", func(t *testing.T, wb *excelize.File) {
			set(t, wb, xlsx.SheetTasks, "D"+rowOf(t, wb, xlsx.SheetTasks, "b"), "Phòng Tài chính")
		}, `plan.xlsx: Nhiệm vụ!D3: lead: "Phòng Tài chính" is neither an official's key or position (sheet Cán bộ, column Chức vụ) nor a department's key or name (sheet Phòng ban)`},
		{"a supervisor who is a member", func(t *testing.T, wb *excelize.File) {
			set(t, wb, xlsx.SheetAreas, "C2", "cv-vp")
		}, `plan.xlsx: Lĩnh vực!C2: supervisor: official "cv-vp" is neither the chairman nor a vice-chairman`},
		{"a key clashing with an official's", func(t *testing.T, wb *excelize.File) {
			set(t, wb, xlsx.SheetDepartments, "A2", "cv-kt")
		}, `plan.xlsx: Phòng ban!A2: key: department key "cv-kt" is also an official's key`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := editOrg(t, func(wb *excelize.File) { tt.change(t, wb) })
			_, err := xlsx.ParsePlan("plan.xlsx", data)
			var errs xlsx.Errors
			if !errors.As(err, &errs) {
				t.Fatalf("ParsePlan error = %v, want Errors", err)
			}
			for _, e := range errs {
				if strings.HasPrefix(e.Error(), tt.want) {
					return
				}
			}
			t.Errorf("errors:\n%v\nwant one starting %q", err, tt.want)
		})
	}
}
