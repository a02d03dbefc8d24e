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

// issueRelink is issue with --relink.
func issueRelink(t *testing.T, st *store.Store, key string) string {
	t.Helper()
	o, err := st.OfficialByKey(context.Background(), "pdp", key)
	if err != nil {
		t.Fatal(err)
	}
	code, err := store.NewInviteCode()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.IssueRelinkInvite(context.Background(), o.ID, code, importNow, importNow.Add(inviteTTL)); err != nil {
		t.Fatalf("IssueRelinkInvite: %v", err)
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
		link, err := st.RedeemInvite(ctx, tt.code, tt.userID, tt.userID+1000, "vanphong_pdp", tt.at)
		o := link.Official
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
	link, err := st.RedeemInvite(ctx, issue(t, st, "tu-phap"), 700, 700, "an", importNow.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	o := link.Official
	if len(link.Unlinked) != 1 || link.Unlinked[0].Key != "van-phong" || link.Outcome != store.LinkLinked {
		t.Errorf("link = %+v; want tu-phap linked, van-phong unlinked", link)
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
		// From the second round on the official is linked: only a --relink
		// code moves it.
		code := issueRelink(t, st, "tai-chinh")
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
		if err := store.RecordLinkFailure(ctx, st, 42, at); err != nil {
			t.Fatal(err)
		}
	}
	if err := store.RecordLinkFailure(ctx, st, 43, importNow); err != nil {
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
		n, err := store.LinkFailures(ctx, st, tt.user, tt.since)
		if err != nil || n != tt.want {
			t.Errorf("LinkFailures(%d, %s) = %d, %v; want %d", tt.user, tt.since, n, err, tt.want)
		}
	}
}

// TestIssueInviteRevokesOlderCodes checks that issuing a code revokes the
// official's older unused codes, and only theirs.
func TestIssueInviteRevokesOlderCodes(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	importFile(t, st, exampleFile(t), nil)
	first := issue(t, st, "tu-phap")
	other := issue(t, st, "van-phong")
	second := issue(t, st, "tu-phap")
	later := importNow.Add(time.Hour)

	if _, err := st.RedeemInvite(ctx, first, 1100, 1100, "", later); !errors.Is(err, store.ErrInviteRevoked) {
		t.Errorf("older code: RedeemInvite error = %v, want ErrInviteRevoked", err)
	}
	if link, err := st.RedeemInvite(ctx, second, 1100, 1100, "", later); err != nil || link.Official.Key != "tu-phap" {
		t.Errorf("newer code: %+v, %v; want tu-phap linked", link, err)
	}
	if link, err := st.RedeemInvite(ctx, other, 1101, 1101, "", later); err != nil || link.Official.Key != "van-phong" {
		t.Errorf("another official's code: %+v, %v; want van-phong linked", link, err)
	}
	// A used code is not revoked by a newer one: its history stays.
	issue(t, st, "tu-phap")
	if n := countRows(t, st, "invites", "used_at IS NOT NULL AND revoked_at IS NOT NULL"); n != 0 {
		t.Errorf("%d used invites revoked", n)
	}
}

// TestRedeemInviteRefusesLinkedElsewhere checks that a plain code of an
// official linked to another chat links nothing and stays unused, that
// the linked chat may redeem one (nothing moves), and that a --relink
// code moves the official and cancels what was pending for the old chat.
func TestRedeemInviteRefusesLinkedElsewhere(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	importFile(t, st, exampleFile(t), nil)
	const chair, attacker, newPhone = 1200, 1201, 1202
	if _, err := st.RedeemInvite(ctx, issue(t, st, "chu-tich"), chair, chair, "toan", importNow); err != nil {
		t.Fatal(err)
	}

	code := issue(t, st, "chu-tich")
	link, err := st.RedeemInvite(ctx, code, attacker, attacker, "ke_gian", importNow.Add(time.Minute))
	if !errors.Is(err, store.ErrInviteLinkedElsewhere) {
		t.Fatalf("plain code of a linked official: %v, want ErrInviteLinkedElsewhere", err)
	}
	if link.Official.Key != "chu-tich" || link.PreviousChatID != chair || link.InviteID == 0 {
		t.Errorf("refused link = %+v; want chu-tich, linked to %d", link, chair)
	}
	if o, err := st.OfficialByChat(ctx, chair); err != nil || o.Key != "chu-tich" || o.TelegramUsername != "toan" {
		t.Errorf("the Chairman's chat: %+v, %v; want still linked", o, err)
	}
	if _, err := st.OfficialByChat(ctx, attacker); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the other chat is linked: %v", err)
	}
	if n := countRows(t, st, "invites", "used_at IS NULL AND revoked_at IS NULL"); n != 1 {
		t.Errorf("%d unused invites, want the refused one kept", n)
	}

	// The Chairman's own chat redeeming that code: nothing moves.
	link, err = st.RedeemInvite(ctx, code, chair, chair, "toan", importNow.Add(2*time.Minute))
	if err != nil || link.Outcome != store.LinkAlready || link.PreviousChatID != 0 {
		t.Fatalf("the linked chat's own code: %+v, %v; want LinkAlready", link, err)
	}
	if !link.Official.LinkedAt.Equal(importNow) {
		t.Errorf("linked_at moved to %s", link.Official.LinkedAt)
	}

	// A --relink code moves the Chairman; what was pending for the old
	// chat about him is cancelled, replies and other officials' messages
	// are not.
	o, err := st.OfficialByKey(ctx, "pdp", "chu-tich")
	if err != nil {
		t.Fatal(err)
	}
	other, err := st.OfficialByKey(ctx, "pdp", "van-phong")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []store.OutMessage{
		{OfficialID: &o.ID, ChatID: chair, DedupeKey: "digest:old-chat", Kind: "digest"},
		{OfficialID: &o.ID, ChatID: chair, DedupeKey: "reply:1:1", Kind: "reply"},
		{OfficialID: &other.ID, ChatID: 9999, DedupeKey: "remind:other", Kind: "reminder"},
	} {
		m.Payload, m.NotBefore = store.Payload{Text: "…"}, importNow
		if _, err := store.Enqueue(ctx, st, m); err != nil {
			t.Fatal(err)
		}
	}
	link, err = st.RedeemInvite(ctx, issueRelink(t, st, "chu-tich"), newPhone, newPhone, "toan2", importNow.Add(time.Hour))
	if err != nil || link.Outcome != store.LinkRelinked || link.PreviousChatID != chair || link.PreviousUserID != chair {
		t.Fatalf("relink: %+v, %v; want LinkRelinked from %d", link, err, chair)
	}
	if c := link.Official.TelegramChatID; c == nil || *c != newPhone {
		t.Errorf("relinked to %v, want %d", c, newPhone)
	}
	if _, err := st.OfficialByChat(ctx, chair); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the previous chat is still linked: %v", err)
	}
	if link.Cancelled != 1 {
		t.Errorf("%d pending messages cancelled, want 1", link.Cancelled)
	}
	if n := countRows(t, st, "outbox", "status = 'dead' AND dedupe_key = 'digest:old-chat'"); n != 1 {
		t.Errorf("the digest pending for the previous chat was not cancelled")
	}
	if n := countRows(t, st, "outbox", "status = 'pending'"); n != 2 {
		t.Errorf("%d messages pending, want the reply and the other official's reminder", n)
	}
}

// TestRevokeInvites checks invite revoke KEY: every unused, unexpired
// code of the official stops working.
func TestRevokeInvites(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	importFile(t, st, exampleFile(t), nil)
	o, err := st.OfficialByKey(ctx, "pdp", "tai-chinh")
	if err != nil {
		t.Fatal(err)
	}
	code := issue(t, st, "tai-chinh")
	keep := issue(t, st, "van-phong")
	later := importNow.Add(time.Minute)
	n, err := st.RevokeInvites(ctx, o.ID, later)
	if err != nil || n != 1 {
		t.Fatalf("RevokeInvites = %d, %v; want 1", n, err)
	}
	if _, err := st.RedeemInvite(ctx, code, 1300, 1300, "", later); !errors.Is(err, store.ErrInviteRevoked) {
		t.Errorf("revoked code: %v, want ErrInviteRevoked", err)
	}
	if n, err := st.RevokeInvites(ctx, o.ID, later); err != nil || n != 0 {
		t.Errorf("RevokeInvites again = %d, %v; want 0", n, err)
	}
	if _, err := st.RedeemInvite(ctx, keep, 1301, 1301, "", later); err != nil {
		t.Errorf("another official's code: %v", err)
	}

	// A code shown in a group is revoked by its code.
	shown := issue(t, st, "tai-chinh")
	if who, err := store.RevokeInviteCode(ctx, st, shown, later); err != nil || who.Key != "tai-chinh" {
		t.Errorf("RevokeInviteCode = %+v, %v; want tai-chinh", who, err)
	}
	if _, err := store.RevokeInviteCode(ctx, st, shown, later); !errors.Is(err, store.ErrInviteInvalid) {
		t.Errorf("RevokeInviteCode twice: %v, want ErrInviteInvalid", err)
	}
	if _, err := st.RedeemInvite(ctx, shown, 1302, 1302, "", later); !errors.Is(err, store.ErrInviteRevoked) {
		t.Errorf("code shown in a group: %v, want ErrInviteRevoked", err)
	}
}
