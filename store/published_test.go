package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

// TestPublishedFile: a published file answers under its token until it
// expires, then not; unknown and malformed tokens are not found alike;
// only the token's hash is stored.
func TestPublishedFile(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	now := time.Date(2025, 10, 1, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	data := []byte("PK\x03\x04 workbook")
	f := store.PublishedFile{
		Filename:    "Tổng hợp quý III.xlsx",
		ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		Data:        data,
		CreatedAt:   now,
		ExpiresAt:   now.Add(7 * 24 * time.Hour),
	}
	token, err := st.PublishFile(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if len(token) != 43 || strings.ContainsAny(token, "+/=") {
		t.Errorf("token %q: want 43 characters of unpadded base64url", token)
	}
	other, err := st.PublishFile(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if other == token {
		t.Errorf("two publications share the token %q", token)
	}

	got, err := st.PublishedFile(ctx, token, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if got.Filename != f.Filename || got.ContentType != f.ContentType || !bytes.Equal(got.Data, data) ||
		!got.CreatedAt.Equal(f.CreatedAt) || !got.ExpiresAt.Equal(f.ExpiresAt) {
		t.Errorf("published file = %+v; want %+v", got, f)
	}
	// Still there a microsecond before it expires, gone at its expiry.
	if _, err := st.PublishedFile(ctx, token, f.ExpiresAt.Add(-time.Microsecond)); err != nil {
		t.Errorf("just before expiry: %v", err)
	}
	if _, err := st.PublishedFile(ctx, token, f.ExpiresAt); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("at expiry: %v; want ErrNotFound", err)
	}
	for name, tok := range map[string]string{
		"unknown":   strings.Repeat("A", 43),
		"empty":     "",
		"short":     token[:42],
		"long":      token + "A",
		"malformed": token[:42] + "*",
		"hash":      string(sha256.New().Sum(nil)),
	} {
		if _, err := st.PublishedFile(ctx, tok, now); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s token: %v; want ErrNotFound", name, err)
		}
	}

	// The database holds the token's hash, never the token.
	var stored [][]byte
	if err := st.DB().Select(&stored, `SELECT token_hash FROM published_files`); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(token))
	found := false
	for _, h := range stored {
		if bytes.Contains(h, []byte(token)) {
			t.Errorf("the token is stored in clear")
		}
		found = found || bytes.Equal(h, sum[:])
	}
	if len(stored) != 2 || !found {
		t.Errorf("stored hashes %x; want 2, one the SHA-256 of the token", stored)
	}
}

// TestPublishFileRefusesIncompleteFiles: no filename, no content type or
// an expiry not after the publication is an error, and nothing is stored.
func TestPublishFileRefusesIncompleteFiles(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	now := time.Date(2025, 10, 1, 9, 0, 0, 0, time.UTC)
	ok := store.PublishedFile{Filename: "a.png", ContentType: "image/png", Data: []byte("x"), CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	for name, edit := range map[string]func(*store.PublishedFile){
		"no filename":     func(f *store.PublishedFile) { f.Filename = "" },
		"no content type": func(f *store.PublishedFile) { f.ContentType = "" },
		"expires at once": func(f *store.PublishedFile) { f.ExpiresAt = now },
	} {
		f := ok
		edit(&f)
		if token, err := st.PublishFile(ctx, f); err == nil {
			t.Errorf("%s: published as %q", name, token)
		}
	}
	var n int
	if err := st.DB().Get(&n, `SELECT count(*) FROM published_files`); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d files stored", n)
	}
	// An empty file is a file.
	empty := ok
	empty.Data = nil
	token, err := st.PublishFile(ctx, empty)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := st.PublishedFile(ctx, token, now); err != nil || len(got.Data) != 0 {
		t.Errorf("empty file = %+v, %v", got, err)
	}
}
