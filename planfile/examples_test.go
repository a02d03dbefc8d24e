package planfile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/nhacviec/nhacviec/plan"
)

// The seed's section II has 25 figures or objectives (sentences with two
// figures count twice) and its section III has 28 bullets.
const (
	seedTargets = 25
	seedTasks   = 28
)

func TestExamplePlan(t *testing.T) {
	data, err := os.ReadFile("../examples/phan-dinh-phung-2025.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse("phan-dinh-phung-2025.yaml", data)
	if err != nil {
		t.Fatalf("the example plan does not parse:\n%v", err)
	}

	if f.Unit.Code != "pdp" || f.Unit.Name != "UBND phường Phan Đình Phùng" || f.Unit.Timezone != "Asia/Ho_Chi_Minh" {
		t.Errorf("unit = %+v", f.Unit)
	}
	if f.Plan.Code != "KH-CCHC-2025" || f.Plan.Year != 2025 ||
		f.Plan.Title != "Kế hoạch cải cách hành chính nhà nước phường Phan Đình Phùng năm 2025" {
		t.Errorf("plan = %+v", f.Plan)
	}

	wantAreas := []string{
		"Cải cách thể chế",
		"Cải cách thủ tục hành chính",
		"Cải cách tổ chức bộ máy hành chính nhà nước",
		"Cải cách chế độ công vụ",
		"Cải cách tài chính công",
		"Xây dựng và phát triển Chính quyền điện tử, Chính quyền số",
	}
	if len(f.Areas) != len(wantAreas) {
		t.Fatalf("got %d areas, want %d", len(f.Areas), len(wantAreas))
	}
	targets, tasks := 0, 0
	byKey := map[string]Task{}
	for i, a := range f.Areas {
		if want := string(rune('1' + i)); a.Code != want || a.Name != wantAreas[i] {
			t.Errorf("area %d = %s %q, want %s %q", i, a.Code, a.Name, want, wantAreas[i])
		}
		if len(a.Targets) == 0 || len(a.Tasks) == 0 {
			t.Errorf("area %s has %d targets and %d tasks, want some of each", a.Code, len(a.Targets), len(a.Tasks))
		}
		targets += len(a.Targets)
		tasks += len(a.Tasks)
		for _, task := range a.Tasks {
			byKey[task.Key] = task
		}
	}
	if targets < seedTargets {
		t.Errorf("got %d targets, want at least the seed's %d", targets, seedTargets)
	}
	if tasks < seedTasks {
		t.Errorf("got %d tasks, want at least the seed's %d", tasks, seedTasks)
	}

	chairman, ok := f.Official("chu-tich")
	if !ok || chairman.Name != "Vương Văn Toàn" || len(chairman.Roles) != 1 || chairman.Roles[0] != plan.RoleChairman {
		t.Errorf("chairman = %+v, want Vương Văn Toàn with the chairman role", chairman)
	}
	if office, _ := f.Official("van-phong"); len(office.Roles) != 1 || office.Roles[0] != plan.RoleOffice {
		t.Errorf("van-phong = %+v, want the office role", office)
	}
	if len(f.Officials) != 10 {
		t.Errorf("got %d officials, want the 10 positions of section IV", len(f.Officials))
	}

	summaries := []struct {
		key    string
		every  plan.Cadence
		dueDay int
	}{
		{"bao-cao-tuan", plan.Weekly, 5},
		{"bao-cao-thang", plan.Monthly, 14},
		{"bao-cao-quy", plan.Quarterly, 14},
		{"bao-cao-thi-xa", plan.Quarterly, 15},
	}
	for _, s := range summaries {
		task, ok := byKey[s.key]
		if !ok {
			t.Errorf("summary task %s missing", s.key)
			continue
		}
		if task.Lead != "van-phong" || task.Every != s.every || task.DueDay != s.dueDay {
			t.Errorf("task %s = lead %s every %s due_day %d, want lead van-phong every %s due_day %d",
				s.key, task.Lead, task.Every, task.DueDay, s.every, s.dueDay)
		}
	}

	// Every official but the chairman has work: a task to lead or support,
	// or a target to report.
	busy := map[string]bool{}
	for _, a := range f.Areas {
		for _, tg := range a.Targets {
			busy[tg.Owner] = true
		}
		for _, task := range a.Tasks {
			busy[task.Lead] = true
			for _, s := range task.Support {
				busy[s] = true
			}
		}
	}
	for _, o := range f.Officials {
		if o.Key != "chu-tich" && !busy[o.Key] {
			t.Errorf("official %s has no task and no target", o.Key)
		}
	}
}

func TestBadExamplesFail(t *testing.T) {
	names, err := filepath.Glob("../examples/bad/*.yaml")
	if err != nil || len(names) == 0 {
		t.Fatalf("no bad examples: %v", err)
	}
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(filepath.Base(name), data); err == nil {
			t.Errorf("%s parses without errors", name)
		}
	}
}
