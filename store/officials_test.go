package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/nhacviec/nhacviec/planfile"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

func TestOfficialsAndUnits(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	f := exampleFile(t)
	f.Officials = slices.DeleteFunc(f.Officials, func(o planfile.Official) bool { return o.Key == "dai-truyen-thanh" })
	for i := range f.Areas {
		for j := range f.Areas[i].Tasks {
			task := &f.Areas[i].Tasks[j]
			task.Support = slices.DeleteFunc(task.Support, func(k string) bool { return k == "dai-truyen-thanh" })
		}
	}
	removeTask(f, "chuyen-muc-cchc") // led by dai-truyen-thanh
	importFile(t, st, exampleFile(t), nil)
	importFile(t, st, f, nil) // archives dai-truyen-thanh

	officials, err := st.Officials(ctx, "pdp")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	archived := map[string]bool{}
	for _, o := range officials {
		keys = append(keys, o.Key)
		archived[o.Key] = o.ArchivedAt != nil
	}
	want := []string{"chu-tich", "van-phong", "dai-truyen-thanh", "dia-chinh-nn", "dia-chinh-xd", "nha-truong",
		"tai-chinh", "tu-phap", "vhxh-lao-dong", "vhxh-thong-tin"}
	if !slices.Equal(keys, want) {
		t.Errorf("Officials order = %v\nwant %v", keys, want)
	}
	if !archived["dai-truyen-thanh"] || archived["tu-phap"] {
		t.Errorf("archived flags = %v; want only dai-truyen-thanh archived", archived)
	}
	if none, err := st.Officials(ctx, "khong-co"); err != nil || len(none) != 0 {
		t.Errorf("Officials of an unknown unit = %v, %v; want none", none, err)
	}

	o, err := st.OfficialByKey(ctx, "pdp", "chu-tich")
	if err != nil || o.Name != "Vương Văn Toàn" || !o.Manager() {
		t.Errorf("OfficialByKey(chu-tich) = %+v, %v", o, err)
	}
	for _, key := range []string{"khong-co", ""} {
		if _, err := st.OfficialByKey(ctx, "pdp", key); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("OfficialByKey(%q) error = %v, want ErrNotFound", key, err)
		}
	}

	// OfficialByChat finds linked, active officials only.
	if _, err := st.DB().ExecContext(ctx, `
		UPDATE officials SET telegram_user_id = id + 100, telegram_chat_id = id + 100, linked_at = $1
		WHERE key IN ('tu-phap', 'dai-truyen-thanh')`, importNow); err != nil {
		t.Fatal(err)
	}
	tuPhap, _ := st.OfficialByKey(ctx, "pdp", "tu-phap")
	radio, _ := st.OfficialByKey(ctx, "pdp", "dai-truyen-thanh")
	if got, err := st.OfficialByChat(ctx, tuPhap.ID+100); err != nil || got.ID != tuPhap.ID {
		t.Errorf("OfficialByChat(tu-phap's chat) = %+v, %v", got, err)
	}
	for name, chat := range map[string]int64{"archived official's chat": radio.ID + 100, "unknown chat": 123456789} {
		if _, err := st.OfficialByChat(ctx, chat); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("OfficialByChat(%s) error = %v, want ErrNotFound", name, err)
		}
	}

	units, err := st.Units(ctx)
	if err != nil || len(units) != 1 || units[0].Code != "pdp" || units[0].Timezone != "Asia/Ho_Chi_Minh" {
		t.Errorf("Units = %+v, %v", units, err)
	}
	u, err := st.UnitByCode(ctx, "pdp")
	if err != nil || u.Name != "UBND phường Phan Đình Phùng" || u.ParentID != nil {
		t.Errorf("UnitByCode(pdp) = %+v, %v", u, err)
	}
	if _, err := st.UnitByCode(ctx, "my-hoa"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UnitByCode(my-hoa) error = %v, want ErrNotFound", err)
	}
}
