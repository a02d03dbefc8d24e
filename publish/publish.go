// Package publish serves files at unguessable, expiring URLs for a
// channel that cannot carry them as files: the Zalo platform sends a
// photo only by a URL it fetches, and no documents at all.
//
// A Publisher stores a file (store.PublishFile: 256 random bits of token,
// only its SHA-256 kept) and returns <http.public_url>/f/<token>, which
// answers until http.publish_ttl has passed; Handler serves those URLs.
// The retention sweep deletes the files once expired.
package publish

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/store"
)

// DefaultTTL is how long a published file answers when the Publisher is
// given no time (config http.publish_ttl's default).
const DefaultTTL = 7 * 24 * time.Hour

// Prefix is the path under which Handler serves the files: a file's URL
// is the base URL, Prefix and its token.
const Prefix = "/f/"

// Publisher publishes attachments at unguessable, expiring URLs under a
// public base URL. It implements zalo.PhotoPublisher (PhotoURL) and the
// Zalo sender's file publisher (FileURL). It is safe for concurrent use.
type Publisher struct {
	st   *store.Store
	base string
	ttl  time.Duration
	clk  clock.Clock
}

// New returns a Publisher storing files in st and giving out URLs under
// baseURL (config http.public_url: an absolute http or https URL, perhaps
// with a path, at which a reverse proxy reaches Handler) that answer for
// ttl from the clock's now (0 means DefaultTTL).
func New(st *store.Store, baseURL string, ttl time.Duration, clk clock.Clock) (*Publisher, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("publish: base URL %q: %w", baseURL, err)
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("publish: base URL %q: want an http(s) URL with a host and no query", baseURL)
	}
	if ttl < 0 {
		return nil, fmt.Errorf("publish: ttl %s is negative", ttl)
	}
	if ttl == 0 {
		ttl = DefaultTTL
	}
	if st == nil || clk == nil {
		return nil, fmt.Errorf("publish: a store and a clock are needed")
	}
	return &Publisher{st: st, base: strings.TrimRight(u.String(), "/"), ttl: ttl, clk: clk}, nil
}

// PhotoURL publishes the photo a and returns its URL.
func (p *Publisher) PhotoURL(ctx context.Context, a *store.Attachment) (string, error) {
	u, _, err := p.FileURL(ctx, a)
	return u, err
}

// FileURL publishes a (a photo or a document: a workbook, a report) and
// returns its URL and the instant from which the URL no longer answers.
func (p *Publisher) FileURL(ctx context.Context, a *store.Attachment) (string, time.Time, error) {
	if a == nil {
		return "", time.Time{}, fmt.Errorf("publish: no attachment")
	}
	name := cleanFilename(a.Filename)
	now := p.clk.Now()
	expires := now.Add(p.ttl)
	token, err := p.st.PublishFile(ctx, store.PublishedFile{
		Filename:    name,
		ContentType: ContentType(name, a.Data),
		Data:        a.Data,
		CreatedAt:   now,
		ExpiresAt:   expires,
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("publish: %w", err)
	}
	return p.base + Prefix + token, expires, nil
}

// contentTypes are the types of the files the product attaches, by
// extension; they do not depend on the host's MIME tables.
var contentTypes = map[string]string{
	".png":  "image/png",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".gif":  "image/gif",
	".webp": "image/webp",
	".pdf":  "application/pdf",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".csv":  "text/csv; charset=utf-8",
	".txt":  "text/plain; charset=utf-8",
	".json": "application/json",
}

// ContentType is the media type of a file named filename holding data:
// by its extension when the product knows it, else as sniffed from data
// (application/octet-stream when nothing matches).
func ContentType(filename string, data []byte) string {
	if ct, ok := contentTypes[strings.ToLower(path.Ext(filename))]; ok {
		return ct
	}
	return http.DetectContentType(data)
}

// cleanFilename is the last path element of name without control
// characters nor the marks that reorder text (which could show
// "report.exe" as "report.xlsx"); "file" when nothing is left.
func cleanFilename(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0),
			r == 0x200e || r == 0x200f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069):
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "" || name == "." || name == ".." {
		return "file"
	}
	return name
}
