package plan

import "testing"

func TestRoleManager(t *testing.T) {
	for r, want := range map[Role]bool{RoleChairman: true, RoleOffice: true, RoleMember: false, "": false} {
		if got := r.Manager(); got != want {
			t.Errorf("Role(%q).Manager() = %v, want %v", r, got, want)
		}
	}
}

func TestMayReport(t *testing.T) {
	supporters := []int64{7, 9}
	for _, c := range []struct {
		official int64
		want     bool
	}{{3, true}, {7, true}, {9, true}, {8, false}} {
		if got := MayReport(c.official, 3, supporters); got != c.want {
			t.Errorf("MayReport(%d, 3, %v) = %v, want %v", c.official, supporters, got, c.want)
		}
	}
	if MayReport(4, 3, nil) {
		t.Error("MayReport(4, 3, nil) = true, want false")
	}
}
