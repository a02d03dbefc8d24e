package store_test

import (
	"bytes"
	"context"
	"sync"
	"testing"

	"github.com/nhacviec/nhacviec/store/storetest"
)

func TestCallbackKeyCreatedOnce(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	keys := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k, err := st.CallbackKey(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			keys[i] = k
		}()
	}
	wg.Wait()
	if len(keys[0]) != 32 {
		t.Fatalf("key has %d bytes, want 32", len(keys[0]))
	}
	for i, k := range keys {
		if !bytes.Equal(k, keys[0]) {
			t.Fatalf("call %d got another key", i)
		}
	}
	other := storetest.New(t)
	k2, err := other.CallbackKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(k2, keys[0]) {
		t.Fatal("two installations share a key")
	}
}
