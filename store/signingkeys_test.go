package store_test

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/store/storetest"
)

var keyT0 = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

func TestSigningKeyCreatedOnce(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	firsts := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range firsts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			keys, err := st.SigningKeys(ctx, keyT0)
			if err != nil {
				t.Error(err)
				return
			}
			if len(keys) != 1 || keys[0].ID != 1 || keys[0].RetireAt != nil || !keys[0].CreatedAt.Equal(keyT0) {
				t.Errorf("first keys = %+v, want one key 1 created at %v", keys, keyT0)
				return
			}
			firsts[i] = keys[0].Secret
		}()
	}
	wg.Wait()
	if len(firsts[0]) != 32 {
		t.Fatalf("key has %d bytes, want 32", len(firsts[0]))
	}
	for i, k := range firsts {
		if !bytes.Equal(k, firsts[0]) {
			t.Fatalf("call %d got another key", i)
		}
	}
	other, err := storetest.New(t).SigningKeys(ctx, keyT0)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(other[0].Secret, firsts[0]) {
		t.Fatal("two installations share a key")
	}
}

// TestRotateSigningKey: the new key comes first (it signs), older keys
// retire at now+keepOld, a key already retiring earlier keeps its date,
// and keepOld 0 retires the others at once.
func TestRotateSigningKey(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	if _, err := st.SigningKeys(ctx, keyT0); err != nil {
		t.Fatal(err)
	}
	t1 := keyT0.Add(24 * time.Hour)
	keys, err := st.RotateSigningKey(ctx, t1, 60*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[0].ID != 2 || keys[0].RetireAt != nil || !keys[0].CreatedAt.Equal(t1) {
		t.Fatalf("after rotation: %+v", keys)
	}
	if keys[1].ID != 1 || keys[1].RetireAt == nil || !keys[1].RetireAt.Equal(t1.Add(60*24*time.Hour)) {
		t.Fatalf("old key: %+v, want retiring 60 days after the rotation", keys[1])
	}
	if keys[1].Retired(t1.Add(59*24*time.Hour)) || !keys[1].Retired(t1.Add(60*24*time.Hour)) {
		t.Error("Retired does not follow RetireAt")
	}
	if bytes.Equal(keys[0].Secret, keys[1].Secret) {
		t.Fatal("rotation kept the secret")
	}
	// A rotation with a longer keep-old does not extend key 1; key 2
	// retires at the new date.
	t2 := t1.Add(time.Hour)
	keys, err = st.RotateSigningKey(ctx, t2, 90*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if keys[0].ID != 3 || !keys[1].RetireAt.Equal(t2.Add(90*24*time.Hour)) || !keys[2].RetireAt.Equal(t1.Add(60*24*time.Hour)) {
		t.Fatalf("second rotation: %+v", keys)
	}
	// A compromised key: retire everything older at once.
	t3 := t2.Add(time.Hour)
	keys, err = st.RotateSigningKey(ctx, t3, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys[1:] {
		if !k.Retired(t3) {
			t.Errorf("key %d not retired by keep-old 0: %+v", k.ID, k)
		}
	}
	if keys[0].ID != 4 || keys[0].Retired(t3) {
		t.Errorf("newest key: %+v", keys[0])
	}
	again, err := st.SigningKeys(ctx, t3)
	if err != nil || len(again) != 4 || again[0].ID != 4 {
		t.Fatalf("SigningKeys after rotations = %+v, %v", again, err)
	}
	if _, err := st.RotateSigningKey(ctx, t3, -time.Hour); err == nil {
		t.Error("negative keep-old accepted")
	}
}
