package callback

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"testing"
	"time"

	_ "github.com/lib/pq"
	"github.com/pressly/goose/v3"

	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// TestUpgradeKeepsLegacyButtons: an installation whose buttons were signed
// with the unversioned key of earlier releases (the settings row
// callback_key) upgrades, and those buttons keep verifying: the migration
// makes that key key 0. After a rotation they verify until key 0 retires.
func TestUpgradeKeepsLegacyButtons(t *testing.T) {
	ctx := context.Background()
	url := storetest.EmptyURL(t)
	db, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The schema of the release before versioned keys, with its key.
	p, err := goose.NewProvider(goose.DialectPostgres, db, os.DirFS("../store/migrations"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 63); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('callback_key', $1)`, []byte(legacySecret)); err != nil {
		t.Fatal(err)
	}

	st, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var upgraded time.Time // when the migration recorded key 0
	if err := st.DB().GetContext(ctx, &upgraded, `SELECT created_at FROM signing_keys WHERE id = 0`); err != nil {
		t.Fatalf("key 0 after the upgrade: %v", err)
	}
	clk := clock.NewFake(upgraded.Add(time.Hour))
	s, err := Load(ctx, st, clk, maxAge)
	if err != nil {
		t.Fatal(err)
	}
	if s.KeyID() != 0 {
		t.Fatalf("after the upgrade the signing key is %d, want 0 (the old key)", s.KeyID())
	}
	for _, data := range []string{legacyDone, legacyProgress} {
		if _, err := s.Verify(ctx, data, legacyChat); err != nil {
			t.Errorf("button %q of the old release after the upgrade: %v", data, err)
		}
	}
	versioned := s.Encode(Action{Kind: KindDone, OccurrenceID: 4242}, legacyChat)

	// Rotation: the new key signs, key 0 verifies for a week more.
	if _, err := st.RotateSigningKey(ctx, clk.Now(), 7*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	s2, err := Load(ctx, st, clk, maxAge)
	if err != nil {
		t.Fatal(err)
	}
	if s2.KeyID() != 1 {
		t.Fatalf("after rotation the signing key is %d, want 1", s2.KeyID())
	}
	for _, data := range []string{legacyDone, versioned} {
		if _, err := s2.Verify(ctx, data, legacyChat); err != nil {
			t.Errorf("button %q signed by key 0 during its last week: %v", data, err)
		}
	}
	clk.Advance(7 * 24 * time.Hour)
	for _, data := range []string{legacyDone, versioned} {
		if _, err := s2.Verify(ctx, data, legacyChat); !errors.Is(err, ErrExpired) {
			t.Errorf("button %q of key 0 once it retired: %v, want ErrExpired", data, err)
		}
	}
}

// TestVerifySeesKeysRotatedElsewhere: a Signer loaded before a rotation
// by another process (serve's bot) verifies the buttons the new key signs
// (the next fan-out, a tick), and sees the old key retired.
func TestVerifySeesKeysRotatedElsewhere(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	clk := clock.NewFake(t0)
	bot, err := Load(ctx, st, clk, maxAge)
	if err != nil {
		t.Fatal(err)
	}
	const chat = 42
	a := Action{Kind: KindDone, OccurrenceID: 7}
	before := bot.Encode(a, chat)
	if _, err := st.RotateSigningKey(ctx, clk.Now(), 0); err != nil {
		t.Fatal(err)
	}
	tick, err := Load(ctx, st, clk, maxAge)
	if err != nil {
		t.Fatal(err)
	}
	after := tick.Encode(a, chat)
	if _, err := bot.Decode(after, chat); !errors.Is(err, ErrInvalid) {
		t.Fatalf("the stale snapshot knows the new key? %v", err)
	}
	if got, err := bot.Verify(ctx, after, chat); err != nil || got != a {
		t.Errorf("Verify of a button signed with the new key = %+v, %v", got, err)
	}
	if _, err := bot.Verify(ctx, before, chat); !errors.Is(err, ErrExpired) {
		t.Errorf("Verify of a button of the key retired at once: %v, want ErrExpired", err)
	}
}
