package store

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// SigningKeyBytes is the length of an inline-button signing key.
const SigningKeyBytes = 32

// SigningKey is one key signing inline-button data (package callback).
// The newest key signs; every key verifies the buttons it signed until
// RetireAt.
type SigningKey struct {
	ID        int        `db:"id"`
	Secret    []byte     `db:"secret"`
	CreatedAt time.Time  `db:"created_at"`
	RetireAt  *time.Time `db:"retire_at"` // nil: no retirement planned
}

// Retired reports whether k no longer verifies at now.
func (k SigningKey) Retired(now time.Time) bool {
	return k.RetireAt != nil && !now.Before(*k.RetireAt)
}

// SigningKeys returns every signing key, newest (the one that signs)
// first, retired ones included. The first call in an installation creates
// key 1 at now; concurrent first calls from several processes agree on one
// key because only the first insert wins. (An installation upgraded from
// the unversioned key has it as key 0: store migration 00064.)
func (s *Store) SigningKeys(ctx context.Context, now time.Time) ([]SigningKey, error) {
	fresh, err := newSigningSecret()
	if err != nil {
		return nil, err
	}
	if _, err := s.db.ExecContext(ctx, `
		INSERT INTO signing_keys (id, secret, created_at)
		SELECT 1, $1, $2 WHERE NOT EXISTS (SELECT 1 FROM signing_keys)
		ON CONFLICT (id) DO NOTHING`, fresh, now); err != nil {
		return nil, fmt.Errorf("store: signing keys: create: %w", err)
	}
	return signingKeys(ctx, s.db)
}

// signingKeys lists the keys, newest first.
func signingKeys(ctx context.Context, q sqlx.QueryerContext) ([]SigningKey, error) {
	var keys []SigningKey
	if err := sqlx.SelectContext(ctx, q, &keys, `
		SELECT id, secret, created_at, retire_at FROM signing_keys ORDER BY id DESC`); err != nil {
		return nil, fmt.Errorf("store: signing keys: %w", err)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("store: signing keys: none")
	}
	return keys, nil
}

// RotateSigningKey creates a new signing key at now, which signs from
// then on, and schedules every older key to retire at now+keepOld (a key
// already retiring earlier keeps its date; keepOld 0 retires them at
// once). It returns every key, newest first.
func (s *Store) RotateSigningKey(ctx context.Context, now time.Time, keepOld time.Duration) ([]SigningKey, error) {
	if keepOld < 0 {
		return nil, fmt.Errorf("store: rotate signing key: keep-old %v is negative", keepOld)
	}
	fresh, err := newSigningSecret()
	if err != nil {
		return nil, err
	}
	// PostgreSQL keeps microseconds, rounded: a key retired "now" must
	// read back as retired at now.
	now = now.Truncate(time.Microsecond)
	var keys []SigningKey
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		// One rotation at a time; a first SigningKeys call waits too.
		if _, err := tx.ExecContext(ctx, `LOCK TABLE signing_keys IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return fmt.Errorf("store: rotate signing key: lock: %w", err)
		}
		retire := now.Add(keepOld)
		if _, err := tx.ExecContext(ctx, `
			UPDATE signing_keys SET retire_at = $1
			WHERE retire_at IS NULL OR retire_at > $1`, retire); err != nil {
			return fmt.Errorf("store: rotate signing key: retire: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO signing_keys (id, secret, created_at)
			SELECT COALESCE(MAX(id), 0) + 1, $1, $2 FROM signing_keys`, fresh, now); err != nil {
			return fmt.Errorf("store: rotate signing key: create: %w", err)
		}
		keys, err = signingKeys(ctx, tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return keys, nil
}

// newSigningSecret returns a random key.
func newSigningSecret() ([]byte, error) {
	b := make([]byte, SigningKeyBytes)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("store: signing key: random: %w", err)
	}
	return b, nil
}
