package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/nhacviec/nhacviec/plan"
)

// Errors of RedeemInvite. The bot answers each with its own explanation and
// counts it as a failed guess.
var (
	// ErrInviteInvalid: no invite has that code (or its official was archived).
	ErrInviteInvalid = errors.New("invite code is not valid")
	// ErrInviteUsed: the invite was already redeemed.
	ErrInviteUsed = errors.New("invite code was already used")
	// ErrInviteExpired: the invite's expiry has passed.
	ErrInviteExpired = errors.New("invite code has expired")
	// ErrInviteRevoked: a newer code was issued for the official, the code
	// was revoked (invite revoke KEY), or it was shown in a group.
	ErrInviteRevoked = errors.New("invite code was revoked")
	// ErrInviteLinkedElsewhere: the official is linked to another chat and
	// the code was not issued with --relink. The code stays unused.
	ErrInviteLinkedElsewhere = errors.New("official is already linked to another chat")
)

// inviteCodeBytes is the entropy of an invite code: 128 bits.
const inviteCodeBytes = 16

// NewInviteCode returns a fresh random invite code: 16 bytes from
// crypto/rand in unpadded URL-safe base64 (22 characters of
// [A-Za-z0-9_-]), fit for a t.me/<bot>?start=CODE deep link.
func NewInviteCode() (string, error) {
	b := make([]byte, inviteCodeBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("store: new invite code: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// hashInviteCode is what is stored for a code: its SHA-256 digest. The code
// itself never reaches the database.
func hashInviteCode(code string) []byte {
	sum := sha256.Sum256([]byte(code))
	return sum[:]
}

// IssueInvite stores a single-use invite for the official officialID,
// valid from now until expires, and revokes the official's older unused
// invites (issued at or before now). Only the SHA-256 digest of code is
// kept. The code links the official only while no other chat is linked to
// it (see IssueRelinkInvite). It returns ErrNotFound when the official
// does not exist or is archived.
func (s *Store) IssueInvite(ctx context.Context, officialID int64, code string, now, expires time.Time) error {
	return s.issueInvite(ctx, officialID, code, now, expires, false)
}

// IssueRelinkInvite is IssueInvite for a code that may move the official
// from the chat it is linked to (invite KEY --relink): redeeming it links
// the new chat and tells the previous one.
func (s *Store) IssueRelinkInvite(ctx context.Context, officialID int64, code string, now, expires time.Time) error {
	return s.issueInvite(ctx, officialID, code, now, expires, true)
}

// issueInvite is IssueInvite and IssueRelinkInvite.
func (s *Store) issueInvite(ctx context.Context, officialID int64, code string, now, expires time.Time, relink bool) error {
	if code == "" {
		return fmt.Errorf("store: issue invite for official %d: empty code", officialID)
	}
	if !expires.After(now) {
		return fmt.Errorf("store: issue invite for official %d: expiry %s is not after %s",
			officialID, expires.Format(time.RFC3339), now.Format(time.RFC3339))
	}
	// Older codes first: the INSERT's foreign key locks the official's
	// row (KEY SHARE), and a redemption locks an invite, then the
	// official; locking the invites first keeps the order the same.
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `
			UPDATE invites SET revoked_at = $2
			WHERE official_id = $1 AND created_at <= $2 AND used_at IS NULL AND revoked_at IS NULL`,
			officialID, now); err != nil {
			return fmt.Errorf("revoke older invites: %w", err)
		}
		res, err := tx.ExecContext(ctx, `
			INSERT INTO invites (official_id, code_hash, created_at, expires_at, relink)
			SELECT id, $2, $3, $4, $5
			FROM officials
			WHERE id = $1 AND archived_at IS NULL`,
			officialID, hashInviteCode(code), now, expires, relink)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: issue invite for official %d: %w", officialID, err)
	}
	return nil
}

// RevokeInvites revokes every unused, unexpired invite of the official
// officialID (invite revoke KEY) and returns how many it revoked.
func (s *Store) RevokeInvites(ctx context.Context, officialID int64, now time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, `
		UPDATE invites SET revoked_at = $2
		WHERE official_id = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2`,
		officialID, now)
	if err != nil {
		return 0, fmt.Errorf("store: revoke invites of official %d: %w", officialID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: revoke invites of official %d: %w", officialID, err)
	}
	return int(n), nil
}

// RevokeInviteCode revokes the unused invite code through wr (a code shown
// in a group chat, where everyone in it has seen it) and returns the
// official it was issued for. It returns ErrInviteInvalid when no unused,
// unrevoked invite has that code.
func RevokeInviteCode(ctx context.Context, wr Writer, code string, now time.Time) (plan.Official, error) {
	q := wr.queryer()
	var o plan.Official
	err := sqlx.GetContext(ctx, q, &o, `
		WITH revoked AS (
			UPDATE invites SET revoked_at = $2
			WHERE code_hash = $1 AND used_at IS NULL AND revoked_at IS NULL
			RETURNING official_id)
		SELECT `+OfficialColumns+` FROM officials WHERE id = (SELECT official_id FROM revoked)`,
		hashInviteCode(code), now)
	if errors.Is(err, sql.ErrNoRows) {
		return plan.Official{}, ErrInviteInvalid
	}
	if err != nil {
		return plan.Official{}, fmt.Errorf("store: revoke invite code: %w", err)
	}
	return o, nil
}

// LinkOutcome says what redeeming an invite did.
type LinkOutcome string

// The outcomes of RedeemInvite.
const (
	// LinkLinked: the official had no chat and is now linked to this one.
	LinkLinked LinkOutcome = "linked"
	// LinkRelinked: a --relink code moved the official from another chat.
	LinkRelinked LinkOutcome = "relinked"
	// LinkAlready: the official was already linked to this chat; nothing
	// moved (the code is used up all the same).
	LinkAlready LinkOutcome = "already_linked"
)

// Link is the result of redeeming an invite.
type Link struct {
	// InviteID is the invite redeemed (or refused); 0 when no invite has
	// the code.
	InviteID int64
	// Official is the official the code was issued for: as linked on
	// success, as found when the code was refused.
	Official plan.Official
	// Outcome says what happened on success.
	Outcome LinkOutcome
	// PreviousChatID and PreviousUserID are, for LinkRelinked and for
	// ErrInviteLinkedElsewhere, the chat and user the official is (or was)
	// linked to.
	PreviousChatID int64
	PreviousUserID int64
	// Unlinked are the other officials this chat or user was linked to,
	// now unlinked (a person moving to another post).
	Unlinked []plan.Official
	// Cancelled counts the pending messages to the previous chats (of the
	// relinked official, of the Unlinked ones) that were cancelled, so
	// that a chat an official left does not receive their messages.
	Cancelled int
}

// RedeemInvite runs RedeemInviteTx in a transaction of its own, which it
// rolls back on any error.
func (s *Store) RedeemInvite(ctx context.Context, code string, userID, chatID int64, username string, now time.Time) (Link, error) {
	var link Link
	err := s.Tx(ctx, func(tx *Tx) error {
		var err error
		link, err = RedeemInviteTx(ctx, tx, code, userID, chatID, username, now)
		return err
	})
	return link, err
}

// RedeemInviteTx links the Telegram user userID, writing from chat chatID
// as username, to the official the invite code was issued for, and marks
// the invite used, in the transaction stx, holding locks on the invite and
// the official rows: of two concurrent redemptions of one code exactly one
// succeeds.
//
// An unknown code gives ErrInviteInvalid, a redeemed one ErrInviteUsed, a
// revoked one ErrInviteRevoked and one whose expiry is not after now
// ErrInviteExpired. When the official is linked to another chat and the
// code was not issued with --relink, it gives ErrInviteLinkedElsewhere and
// changes nothing; the code stays unused. With these errors Link has the
// official (when the code was found) for the caller's log and notices.
//
// On success any other official previously linked to that user or chat is
// unlinked (a person moving to another post re-links), the official's
// unreachable mark is cleared, and pending messages (other than replies)
// to the official's previous chat, or to this chat for the officials it
// leaves, are cancelled (status dead).
func RedeemInviteTx(ctx context.Context, stx *Tx, code string, userID, chatID int64, username string, now time.Time) (Link, error) {
	tx := stx.tx
	var link Link
	var inv struct {
		ID         int64      `db:"id"`
		OfficialID int64      `db:"official_id"`
		ExpiresAt  time.Time  `db:"expires_at"`
		UsedAt     *time.Time `db:"used_at"`
		RevokedAt  *time.Time `db:"revoked_at"`
		Relink     bool       `db:"relink"`
	}
	err := tx.GetContext(ctx, &inv, `
		SELECT id, official_id, expires_at, used_at, revoked_at, relink
		FROM invites
		WHERE code_hash = $1
		FOR UPDATE`, hashInviteCode(code))
	if errors.Is(err, sql.ErrNoRows) {
		return link, ErrInviteInvalid
	}
	if err != nil {
		return link, fmt.Errorf("store: redeem invite: find invite: %w", err)
	}
	link.InviteID = inv.ID
	// The official's row is locked too: two codes of one official (a plain
	// one and a --relink one) redeemed at once are decided one at a time.
	err = tx.GetContext(ctx, &link.Official, `
		SELECT `+OfficialColumns+` FROM officials WHERE id = $1 FOR UPDATE`, inv.OfficialID)
	if err != nil {
		return link, fmt.Errorf("store: redeem invite: find official %d: %w", inv.OfficialID, err)
	}
	o := link.Official
	switch {
	case inv.UsedAt != nil:
		return link, ErrInviteUsed
	case inv.RevokedAt != nil:
		return link, ErrInviteRevoked
	case !inv.ExpiresAt.After(now):
		return link, ErrInviteExpired
	case o.ArchivedAt != nil:
		return link, ErrInviteInvalid
	}

	link.Outcome = LinkLinked
	if o.TelegramChatID != nil {
		link.PreviousChatID = *o.TelegramChatID
		if o.TelegramUserID != nil {
			link.PreviousUserID = *o.TelegramUserID
		}
		switch {
		case *o.TelegramChatID == chatID:
			link.Outcome = LinkAlready
		case !inv.Relink:
			return link, ErrInviteLinkedElsewhere
		default:
			link.Outcome = LinkRelinked
		}
	}
	if link.Outcome != LinkRelinked {
		link.PreviousChatID, link.PreviousUserID = 0, 0
	}

	err = tx.SelectContext(ctx, &link.Unlinked, `
		UPDATE officials
		SET telegram_user_id = NULL, telegram_chat_id = NULL, telegram_username = '',
		    linked_at = NULL, updated_at = $4
		WHERE (telegram_user_id = $1 OR telegram_chat_id = $2) AND id <> $3
		RETURNING `+OfficialColumns,
		userID, chatID, o.ID, now)
	if err != nil {
		return link, fmt.Errorf("store: redeem invite: unlink previous official: %w", err)
	}
	linkedAt := now
	if link.Outcome == LinkAlready && o.LinkedAt != nil {
		linkedAt = *o.LinkedAt
	}
	err = tx.GetContext(ctx, &link.Official, `
		UPDATE officials
		SET telegram_user_id = $2, telegram_chat_id = $3, telegram_username = $4,
		    linked_at = $5, unreachable_at = NULL, unreachable_error = '', updated_at = $6
		WHERE id = $1
		RETURNING `+OfficialColumns,
		o.ID, userID, chatID, username, linkedAt, now)
	if err != nil {
		return link, fmt.Errorf("store: redeem invite: link official %d: %w", o.ID, err)
	}
	if _, err := tx.ExecContext(ctx, `
		UPDATE invites SET used_at = $2, used_by = $3 WHERE id = $1`,
		inv.ID, now, userID); err != nil {
		return link, fmt.Errorf("store: redeem invite: mark invite used: %w", err)
	}

	// A chat an official left must not receive what was decided for them
	// before: the previous chat of a relink, this chat for the officials
	// it leaves. Replies stay: they answer what that chat itself asked.
	if link.PreviousChatID != 0 {
		n, err := cancelPending(ctx, tx, o.ID, link.PreviousChatID)
		if err != nil {
			return link, err
		}
		link.Cancelled += n
	}
	for _, u := range link.Unlinked {
		n, err := cancelPending(ctx, tx, u.ID, chatID)
		if err != nil {
			return link, err
		}
		link.Cancelled += n
	}
	return link, nil
}

// cancelPending marks dead the pending messages, other than replies, to
// chat chatID about the official officialID.
func cancelPending(ctx context.Context, tx *sqlx.Tx, officialID, chatID int64) (int, error) {
	res, err := tx.ExecContext(ctx, `
		UPDATE outbox SET status = 'dead', last_error = 'cancelled: the official was linked to another chat'
		WHERE official_id = $1 AND chat_id = $2 AND status = 'pending' AND kind <> 'reply'`,
		officialID, chatID)
	if err != nil {
		return 0, fmt.Errorf("store: cancel messages of official %d to chat %d: %w", officialID, chatID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: cancel messages of official %d to chat %d: %w", officialID, chatID, err)
	}
	return int(n), nil
}

// RecordLinkFailure notes a failed /start attempt by the Telegram user
// userID at now, for rate limiting code guesses. The bot records it in the
// transaction of the update that failed.
func RecordLinkFailure(ctx context.Context, wr Writer, userID int64, now time.Time) error {
	q := wr.execer()
	_, err := q.ExecContext(ctx, `
		INSERT INTO link_attempts (telegram_user_id, attempted_at) VALUES ($1, $2)`,
		userID, now)
	if err != nil {
		return fmt.Errorf("store: record link failure of user %d: %w", userID, err)
	}
	return nil
}

// LinkFailures counts the failed /start attempts of the Telegram user userID
// at or after since, as seen by rd (the bot: the update's transaction).
func LinkFailures(ctx context.Context, rd Reader, userID int64, since time.Time) (int, error) {
	q := rd.queryer()
	var n int
	err := sqlx.GetContext(ctx, q, &n, `
		SELECT count(*) FROM link_attempts
		WHERE telegram_user_id = $1 AND attempted_at >= $2`, userID, since)
	if err != nil {
		return 0, fmt.Errorf("store: count link failures of user %d: %w", userID, err)
	}
	return n, nil
}
