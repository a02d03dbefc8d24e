package store_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

// TestDigestReadFromReplica: with a read replica, DigestRead reads from it
// (here a second database standing for a replica that has not replayed the
// primary's last writes) and everything else from the primary; when the
// replica refuses connections, the digest reads from the primary and the
// failure is reported.
func TestDigestReadFromReplica(t *testing.T) {
	ctx := context.Background()
	primary := storetest.New(t)
	replica := storetest.New(t)
	if _, err := primary.DB().ExecContext(ctx, `
		INSERT INTO units (code, name, created_at, updated_at) VALUES ('pdp', 'Phường Phan Đình Phùng', now(), now())`); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, primary.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var failures atomic.Int32
	if err := st.UseReadReplica(ctx, replica.URL(), func(error) { failures.Add(1) }); err != nil {
		t.Fatal(err)
	}
	var unitID int64
	if err := primary.DB().GetContext(ctx, &unitID, `SELECT id FROM units WHERE code = 'pdp'`); err != nil {
		t.Fatal(err)
	}
	// units is how many units the digest read sees: 1 on the primary, 0 on
	// the replica, which has not replayed the insert.
	units := func() int {
		t.Helper()
		if u, err := st.Units(ctx); err != nil || len(u) != 1 { // not a digest: the primary
			t.Errorf("Units() from the primary = %d units, %v; want 1", len(u), err)
		}
		n := 0
		if err := st.DigestRead(ctx, func(rd store.Reader) error {
			_, err := store.UnitOf(ctx, rd, unitID)
			if errors.Is(err, store.ErrNotFound) {
				return nil
			}
			n = 1
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := units(); n != 0 || failures.Load() != 0 {
		t.Errorf("digest read with the replica: %d units, %d failures; want the replica's 0, none", n, failures.Load())
	}

	// The replica stops taking connections: the digest reads the primary.
	name := dbName(t, replica.URL())
	admin := primary.DB()
	if _, err := admin.ExecContext(ctx, `ALTER DATABASE `+name+` ALLOW_CONNECTIONS false`); err != nil {
		t.Fatal(err)
	}
	defer admin.ExecContext(ctx, `ALTER DATABASE `+name+` ALLOW_CONNECTIONS true`)
	if _, err := admin.ExecContext(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, name); err != nil {
		t.Fatal(err)
	}
	if n := units(); n != 1 || failures.Load() == 0 {
		t.Errorf("digest read with the replica down: %d units, %d failures; want the primary's 1, reported", n, failures.Load())
	}

	// A replica that does not answer at start is an error.
	bad, err := store.Open(ctx, primary.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	if err := bad.UseReadReplica(ctx, replica.URL(), nil); err == nil || !strings.Contains(err.Error(), "read replica") {
		t.Errorf("UseReadReplica of a database refusing connections = %v", err)
	}
}

// dbName is the database of a PostgreSQL URL.
func dbName(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(u.Path, "/")
}
