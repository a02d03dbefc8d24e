package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"
)

// PublishTokenBytes is the number of random bytes of a published file's
// token (256 bits); the token is their unpadded base64url form, 43
// characters.
const PublishTokenBytes = 32

// PublishedFile is a file published at an unguessable URL until it
// expires (table published_files, migration 00079).
type PublishedFile struct {
	Filename    string    `db:"filename"`
	ContentType string    `db:"content_type"`
	Data        []byte    `db:"data"`
	CreatedAt   time.Time `db:"created_at"`
	ExpiresAt   time.Time `db:"expires_at"`
}

// PublishFile stores f under a new random token and returns the token,
// the last segment of the file's URL. Only the token's SHA-256 is stored:
// the token is returned once, here. f's CreatedAt is the caller's "now";
// its ExpiresAt must be after it.
func (s *Store) PublishFile(ctx context.Context, f PublishedFile) (string, error) {
	switch {
	case f.Filename == "":
		return "", fmt.Errorf("store: publish file: no filename")
	case f.ContentType == "":
		return "", fmt.Errorf("store: publish file %q: no content type", f.Filename)
	case !f.ExpiresAt.After(f.CreatedAt):
		return "", fmt.Errorf("store: publish file %q: expires at %s, not after %s", f.Filename, f.ExpiresAt, f.CreatedAt)
	}
	raw := make([]byte, PublishTokenBytes)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("store: publish file %q: token: %w", f.Filename, err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	hash := sha256.Sum256([]byte(token))
	data := f.Data
	if data == nil {
		data = []byte{} // NOT NULL: an empty file is still a file
	}
	if _, err := s.db.ExecContext(ctx, `
		INSERT INTO published_files (token_hash, filename, content_type, data, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		hash[:], f.Filename, f.ContentType, data, f.CreatedAt, f.ExpiresAt); err != nil {
		return "", fmt.Errorf("store: publish file %q: %w", f.Filename, err)
	}
	return token, nil
}

// PublishedFile returns the file published under token as of now. It
// returns ErrNotFound alike for a token never issued, a malformed one and
// one whose file has expired (at its ExpiresAt, it no longer answers).
func (s *Store) PublishedFile(ctx context.Context, token string, now time.Time) (PublishedFile, error) {
	var f PublishedFile
	if !validPublishToken(token) {
		return f, ErrNotFound
	}
	hash := sha256.Sum256([]byte(token))
	err := s.db.GetContext(ctx, &f, `
		SELECT filename, content_type, data, created_at, expires_at
		FROM published_files
		WHERE token_hash = $1 AND expires_at > $2`, hash[:], now)
	if err != nil {
		if err = notFound(err); errors.Is(err, ErrNotFound) {
			return PublishedFile{}, err
		}
		return PublishedFile{}, fmt.Errorf("store: published file: %w", err)
	}
	return f, nil
}

// validPublishToken reports whether token has the form PublishFile gives
// out: PublishTokenBytes bytes in unpadded base64url.
func validPublishToken(token string) bool {
	if len(token) != base64.RawURLEncoding.EncodedLen(PublishTokenBytes) {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(token)
	return err == nil
}
