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
// valid from now until expires. Only the SHA-256 digest of code is kept. It
// returns ErrNotFound when the official does not exist or is archived.
func (s *Store) IssueInvite(ctx context.Context, officialID int64, code string, now, expires time.Time) error {
	if code == "" {
		return fmt.Errorf("store: issue invite for official %d: empty code", officialID)
	}
	if !expires.After(now) {
		return fmt.Errorf("store: issue invite for official %d: expiry %s is not after %s",
			officialID, expires.Format(time.RFC3339), now.Format(time.RFC3339))
	}
	res, err := s.db.ExecContext(ctx, `
		INSERT INTO invites (official_id, code_hash, created_at, expires_at)
		SELECT id, $2, $3, $4
		FROM officials
		WHERE id = $1 AND archived_at IS NULL`,
		officialID, hashInviteCode(code), now, expires)
	if err != nil {
		return fmt.Errorf("store: issue invite for official %d: %w", officialID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: issue invite for official %d: %w", officialID, err)
	}
	if n == 0 {
		return fmt.Errorf("store: issue invite for official %d: %w", officialID, ErrNotFound)
	}
	return nil
}

// RedeemInvite links the Telegram user userID, writing from chat chatID as
// username, to the official the invite code was issued for, and marks the
// invite used, all in one transaction holding a lock on the invite row, so
// that of two concurrent redemptions of one code exactly one succeeds.
//
// An unknown code gives ErrInviteInvalid, a redeemed one ErrInviteUsed and
// one whose expiry is not after now ErrInviteExpired. Any other official
// previously linked to that user or chat is unlinked first (a person moving
// to another post re-links), and the official's unreachable mark is cleared.
// It returns the official as linked.
func (s *Store) RedeemInvite(ctx context.Context, code string, userID, chatID int64, username string, now time.Time) (Official, error) {
	var linked Official
	err := s.Tx(ctx, func(tx *sqlx.Tx) error {
		var inv struct {
			ID         int64      `db:"id"`
			OfficialID int64      `db:"official_id"`
			ExpiresAt  time.Time  `db:"expires_at"`
			UsedAt     *time.Time `db:"used_at"`
			Archived   bool       `db:"archived"`
		}
		err := tx.GetContext(ctx, &inv, `
			SELECT i.id, i.official_id, i.expires_at, i.used_at, o.archived_at IS NOT NULL AS archived
			FROM invites i
			JOIN officials o ON o.id = i.official_id
			WHERE i.code_hash = $1
			FOR UPDATE OF i`, hashInviteCode(code))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrInviteInvalid
		}
		if err != nil {
			return fmt.Errorf("find invite: %w", err)
		}
		switch {
		case inv.UsedAt != nil:
			return ErrInviteUsed
		case !inv.ExpiresAt.After(now):
			return ErrInviteExpired
		case inv.Archived:
			return ErrInviteInvalid
		}

		if _, err := tx.ExecContext(ctx, `
			UPDATE officials
			SET telegram_user_id = NULL, telegram_chat_id = NULL, telegram_username = '',
			    linked_at = NULL, updated_at = $4
			WHERE (telegram_user_id = $1 OR telegram_chat_id = $2) AND id <> $3`,
			userID, chatID, inv.OfficialID, now); err != nil {
			return fmt.Errorf("unlink previous official: %w", err)
		}
		err = tx.GetContext(ctx, &linked, `
			UPDATE officials
			SET telegram_user_id = $2, telegram_chat_id = $3, telegram_username = $4,
			    linked_at = $5, unreachable_at = NULL, unreachable_error = '', updated_at = $5
			WHERE id = $1
			RETURNING `+OfficialColumns,
			inv.OfficialID, userID, chatID, username, now)
		if err != nil {
			return fmt.Errorf("link official %d: %w", inv.OfficialID, err)
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE invites SET used_at = $2, used_by = $3 WHERE id = $1`,
			inv.ID, now, userID); err != nil {
			return fmt.Errorf("mark invite used: %w", err)
		}
		return nil
	})
	if err != nil {
		return Official{}, fmt.Errorf("store: redeem invite: %w", err)
	}
	return linked, nil
}

// RecordLinkFailure notes a failed /start attempt by the Telegram user
// userID at now, for rate limiting code guesses.
func (s *Store) RecordLinkFailure(ctx context.Context, userID int64, now time.Time) error {
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO link_attempts (telegram_user_id, attempted_at) VALUES ($1, $2)`,
		userID, now)
	if err != nil {
		return fmt.Errorf("store: record link failure of user %d: %w", userID, err)
	}
	return nil
}

// LinkFailures counts the failed /start attempts of the Telegram user userID
// at or after since.
func (s *Store) LinkFailures(ctx context.Context, userID int64, since time.Time) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, `
		SELECT count(*) FROM link_attempts
		WHERE telegram_user_id = $1 AND attempted_at >= $2`, userID, since)
	if err != nil {
		return 0, fmt.Errorf("store: count link failures of user %d: %w", userID, err)
	}
	return n, nil
}
