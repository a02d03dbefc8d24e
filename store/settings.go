package store

import (
	"context"
	"crypto/rand"
	"fmt"
)

// callbackKeySetting names the settings row holding the inline-button key.
const callbackKeySetting = "callback_key"

// callbackKeyBytes is the length of the inline-button signing key.
const callbackKeyBytes = 32

// CallbackKey returns the secret key that signs inline-button data (see
// package callback). The first call in an installation creates a random
// 32-byte key; concurrent first calls from several processes agree on one
// key because only the first insert wins.
func (s *Store) CallbackKey(ctx context.Context) ([]byte, error) {
	fresh := make([]byte, callbackKeyBytes)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("store: callback key: random: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `
		INSERT INTO settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO NOTHING`, callbackKeySetting, fresh); err != nil {
		return nil, fmt.Errorf("store: callback key: create: %w", err)
	}
	var key []byte
	if err := s.db.GetContext(ctx, &key, `
		SELECT value FROM settings WHERE key = $1`, callbackKeySetting); err != nil {
		return nil, fmt.Errorf("store: callback key: %w", err)
	}
	if len(key) != callbackKeyBytes {
		return nil, fmt.Errorf("store: callback key: stored key has %d bytes, want %d", len(key), callbackKeyBytes)
	}
	return key, nil
}
