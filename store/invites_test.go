package store_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

// inviteTTL is how long the invites of these tests are valid.
const inviteTTL = 72 * time.Hour

// issue issues a fresh invite at importNow for the official keyed key and
// returns its code.
func issue(t *testing.T, st *store.Store, key string) string {
	t.Helper()
	o, err := st.OfficialByKey(context.Background(), "pdp", key)
	if err != nil {
		t.Fatal(err)
	}
	code, err := store.NewInviteCode()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.IssueInvite(context.Background(), o.ID, code, importNow, importNow.Add(inviteTTL)); err != nil {
		t.Fatalf("IssueInvite: %v", err)
	}
	return code
}

func TestNewInviteCode(t *testing.T) {
	pattern := regexp.MustCompile(`^[A-Za-z0-9_-]{8,64}$`)
	seen := map[string]bool{}
	for range 100 {
		code, err := store.NewInviteCode()
		if err != nil {
			t.Fatal(err)
		}
		if !pattern.MatchString(code) || len(code) != 22 {
			t.Fatalf("code %q does not match %s with 22 characters", code, pattern)
		}
		if seen[code] {
			t.Fatalf("code %q issued twice", code)
		}
		seen[code] = true
	}
}

func TestRedeemInvite(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	importFile(t, st, exampleFile(t), nil)
	code := issue(t, st, "van-phong")
	later := importNow.Add(time.Hour)

	// Hashed at rest: the table holds SHA-256 of the code, never the code.
	var hashes [][]byte
	if err := st.DB().SelectContext(ctx, &hashes, `SELECT code_hash FROM invites`); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(code))
	if len(hashes) != 1 || string(hashes[0]) != string(sum[:]) {
		t.Errorf("stored hashes %x, want the SHA-256 of the code %x", hashes, sum)
	}
	if n := countRows(t, st, "invites i", "strpos(i::text, $1) > 0 OR strpos(encode(i.code_hash, 'escape'), $1) > 0", code); n != 0 {
		t.Errorf("the code appears in the invites table")
	}

	tests := []struct {
		name   string
		code   string
		userID int64
		at     time.Time
		want   error
	}{
		{"wrong code", "not-a-code-at-all", 501, later, store.ErrInviteInvalid},
		{"empty code", "", 501, later, store.ErrInviteInvalid},
		{"right code", code, 501, later, nil},
		{"used again by another user", code, 502, later, store.ErrInviteUsed},
		{"used again by the same user", code, 501, later, store.ErrInviteUsed},
	}
	for _, tt := range tests {
		o, err := st.RedeemInvite(ctx, tt.code, tt.userID, tt.userID+1000, "vanphong_pdp", tt.at)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: RedeemInvite error = %v, want %v", tt.name, err, tt.want)
			continue
		}
		if tt.want != nil {
			continue
		}
		if o.Key != "van-phong" || o.TelegramUserID == nil || *o.TelegramUserID != tt.userID ||
			o.TelegramChatID == nil || *o.TelegramChatID != tt.userID+1000 || o.TelegramUsername != "vanphong_pdp" ||
			o.LinkedAt == nil || !o.LinkedAt.Equal(tt.at) {
			t.Errorf("%s: linked official = %+v", tt.name, o)
		}
	}
	byChat, err := st.OfficialByChat(ctx, 1501)
	if err != nil || byChat.Key != "van-phong" {
		t.Errorf("OfficialByChat(1501) = %+v, %v; want van-phong", byChat, err)
	}
	if n := countRows(t, st, "invites", "used_at = $1 AND used_by = 501", later); n != 1 {
		t.Errorf("the invite is not marked used by user 501")
	}
}

func TestRedeemInviteExpiry(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	importFile(t, st, exampleFile(t), nil)
	tests := []struct {
		name string
		at   time.Time
		want error
	}{
		{"a second before expiry", importNow.Add(inviteTTL - time.Second), nil},
		{"at expiry", importNow.Add(inviteTTL), store.ErrInviteExpired},
		{"a day after", importNow.Add(inviteTTL + 24*time.Hour), store.ErrInviteExpired},
	}
	for i, tt := range tests {
		code := issue(t, st, "tu-phap")
		_, err := st.RedeemInvite(ctx, code, int64(600+i), int64(600+i), "", tt.at)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: RedeemInvite error = %v, want %v", tt.name, err, tt.want)
		}
	}
	if err := st.IssueInvite(ctx, 1, "abcdefgh", importNow, importNow); err == nil {
		t.Errorf("IssueInvite accepted an invite expiring when issued")
	}
}

// TestRedeemInviteRelinks checks that a person who redeems a code for
// another official moves there: the previous official is unlinked, and the
// new one loses its unreachable mark.
func TestRedeemInviteRelinks(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	importFile(t, st, exampleFile(t), nil)
	if _, err := st.RedeemInvite(ctx, issue(t, st, "van-phong"), 700, 700, "an", importNow); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().ExecContext(ctx, `
		UPDATE officials SET unreachable_at = $1, unreachable_error = 'Forbidden: bot was blocked by the user'
		WHERE key = 'tu-phap'`, importNow); err != nil {
		t.Fatal(err)
	}
	o, err := st.RedeemInvite(ctx, issue(t, st, "tu-phap"), 700, 700, "an", importNow.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if o.Key != "tu-phap" || o.UnreachableAt != nil || !o.Linked() {
		t.Errorf("relinked official = %+v; want tu-phap, linked, reachable", o)
	}
	prev, err := st.OfficialByKey(ctx, "pdp", "van-phong")
	if err != nil || prev.Linked() || prev.TelegramUserID != nil || prev.TelegramUsername != "" {
		t.Errorf("previous official = %+v, %v; want unlinked", prev, err)
	}
	if n := countRows(t, st, "officials", "key = 'tu-phap' AND unreachable_error = ''"); n != 1 {
		t.Errorf("unreachable error not cleared")
	}
}

func TestRedeemInviteConcurrently(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	importFile(t, st, exampleFile(t), nil)
	for round := range 5 {
		code := issue(t, st, "tai-chinh")
		const n = 4
		errs := make([]error, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			user := int64(800 + 10*round + i)
			wg.Go(func() {
				<-start
				_, errs[i] = st.RedeemInvite(ctx, code, user, user, "", importNow.Add(time.Minute))
			})
		}
		close(start)
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, store.ErrInviteUsed):
				t.Errorf("round %d: RedeemInvite error = %v, want ErrInviteUsed for the losers", round, err)
			}
		}
		if won != 1 {
			t.Errorf("round %d: %d redemptions of one code succeeded, want exactly 1", round, won)
		}
	}
	if n := countRows(t, st, "officials", "telegram_user_id IS NOT NULL"); n != 1 {
		t.Errorf("%d officials linked, want 1", n)
	}
}

func TestInviteOfArchivedOfficial(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	importFile(t, st, exampleFile(t), nil)
	code := issue(t, st, "nha-truong")
	o, err := st.OfficialByKey(ctx, "pdp", "nha-truong")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().ExecContext(ctx, `UPDATE officials SET archived_at = $2 WHERE id = $1`, o.ID, importNow); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RedeemInvite(ctx, code, 900, 900, "", importNow); !errors.Is(err, store.ErrInviteInvalid) {
		t.Errorf("RedeemInvite for an archived official: %v, want ErrInviteInvalid", err)
	}
	if err := st.IssueInvite(ctx, o.ID, "abcdefgh", importNow, importNow.Add(time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("IssueInvite for an archived official: %v, want ErrNotFound", err)
	}
	if err := st.IssueInvite(ctx, 999999, "abcdefgh", importNow, importNow.Add(time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("IssueInvite for an unknown official: %v, want ErrNotFound", err)
	}
}

func TestLinkFailures(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	for _, at := range []time.Time{importNow, importNow.Add(10 * time.Minute), importNow.Add(20 * time.Minute)} {
		if err := st.RecordLinkFailure(ctx, 42, at); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.RecordLinkFailure(ctx, 43, importNow); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		user  int64
		since time.Time
		want  int
	}{
		{42, importNow.Add(-time.Hour), 3},
		{42, importNow.Add(10 * time.Minute), 2},
		{42, importNow.Add(time.Hour), 0},
		{43, importNow, 1},
		{44, importNow, 0},
	}
	for _, tt := range tests {
		n, err := st.LinkFailures(ctx, tt.user, tt.since)
		if err != nil || n != tt.want {
			t.Errorf("LinkFailures(%d, %s) = %d, %v; want %d", tt.user, tt.since, n, err, tt.want)
		}
	}
}
