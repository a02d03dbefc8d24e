package publish_test

import (
	"bytes"
	"context"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/publish"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// start is the instant the tests publish at.
var start = time.Date(2025, 10, 6, 8, 30, 0, 0, time.FixedZone("ICT", 7*3600))

// serve starts Handler over a fresh database behind an HTTP server whose
// URL is the publisher's base (with a path, as behind a proxy that strips
// it) and returns the publisher, the server and the clock.
func serve(t *testing.T, ttl time.Duration) (*publish.Publisher, *httptest.Server, *clock.Fake) {
	t.Helper()
	st := storetest.New(t)
	clk := clock.NewFake(start)
	mux := http.NewServeMux()
	mux.Handle("/nhacviec/", http.StripPrefix("/nhacviec", publish.Handler(st, clk)))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	p, err := publish.New(st, srv.URL+"/nhacviec/", ttl, clk)
	if err != nil {
		t.Fatal(err)
	}
	return p, srv, clk
}

// fetch calls method on u and returns the answer with its body read.
func fetch(t *testing.T, method, u string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// TestPublishedFileIsServedUntilItExpires: a document published answers
// its URL with its bytes and headers, to GET and HEAD, until the TTL has
// passed; then 404, as for a token never issued.
func TestPublishedFileIsServedUntilItExpires(t *testing.T) {
	p, srv, clk := serve(t, 48*time.Hour)
	data := []byte("PK\x03\x04 báo cáo")
	doc := &store.Attachment{Kind: store.EvidenceDocument, Filename: "Báo cáo tháng 10.docx", Data: data}
	u, expires, err := p.FileURL(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u, srv.URL+"/nhacviec/f/") || len(u) != len(srv.URL+"/nhacviec/f/")+43 {
		t.Errorf("URL %q: want %s/nhacviec/f/ and a 43-character token", u, srv.URL)
	}
	if !expires.Equal(start.Add(48 * time.Hour)) {
		t.Errorf("expires %s, want %s", expires, start.Add(48*time.Hour))
	}

	resp, body := fetch(t, http.MethodGet, u)
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, data) {
		t.Fatalf("GET = %d %q; want 200 and the file", resp.StatusCode, body)
	}
	want := map[string]string{
		"Content-Type":           "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		"Content-Disposition":    `attachment; filename="Bao cao thang 10.docx"; filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20th%C3%A1ng%2010.docx`,
		"Cache-Control":          "private, no-store",
		"X-Content-Type-Options": "nosniff",
		"Content-Length":         strconv.Itoa(len(data)),
	}
	for k, v := range want {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	_, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition"))
	if err != nil || params["filename"] != "Báo cáo tháng 10.docx" {
		t.Errorf("a client reads the filename as %q (%v)", params["filename"], err)
	}

	resp, body = fetch(t, http.MethodHead, u)
	if resp.StatusCode != http.StatusOK || len(body) != 0 || resp.ContentLength != int64(len(data)) ||
		resp.Header.Get("Content-Type") != want["Content-Type"] || resp.Header.Get("Cache-Control") != "private, no-store" {
		t.Errorf("HEAD = %d, %d bytes, length %d, headers %v", resp.StatusCode, len(body), resp.ContentLength, resp.Header)
	}

	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
		resp, _ := fetch(t, m, u)
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("%s = %d, Allow %q; want 405 and GET, HEAD", m, resp.StatusCode, resp.Header.Get("Allow"))
		}
	}

	// A second before it expires it answers; at its expiry it is gone, and
	// its 404 is that of a token never issued.
	clk.Set(expires.Add(-time.Second))
	if resp, _ := fetch(t, http.MethodGet, u); resp.StatusCode != http.StatusOK {
		t.Errorf("a second before expiry: %d", resp.StatusCode)
	}
	clk.Set(expires)
	expired, expiredBody := fetch(t, http.MethodGet, u)
	token := u[strings.LastIndex(u, "/")+1:]
	other := strings.Repeat("x", len(token))
	unknown, unknownBody := fetch(t, http.MethodGet, strings.TrimSuffix(u, token)+other)
	if expired.StatusCode != http.StatusNotFound || unknown.StatusCode != http.StatusNotFound ||
		!bytes.Equal(expiredBody, unknownBody) || expired.Header.Get("Content-Type") != unknown.Header.Get("Content-Type") {
		t.Errorf("expired = %d %q, unknown = %d %q; want the same 404", expired.StatusCode, expiredBody, unknown.StatusCode, unknownBody)
	}
	if expired.Header.Get("Cache-Control") != "private, no-store" {
		t.Errorf("404 Cache-Control %q", expired.Header.Get("Cache-Control"))
	}
	for _, path := range []string{"/nhacviec/f/", "/nhacviec/f/" + token + "/x", "/nhacviec/g/" + token} {
		if resp, _ := fetch(t, http.MethodGet, srv.URL+path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d; want 404", path, resp.StatusCode)
		}
	}
}

// TestPhotoIsInline: a photo's URL shows the picture in place, with its
// type; two publications of one photo have two URLs.
func TestPhotoIsInline(t *testing.T) {
	p, _, _ := serve(t, 0)
	png := []byte("\x89PNG\r\n\x1a\n chart")
	photo := &store.Attachment{Kind: store.EvidencePhoto, Filename: "bieu-do.png", Data: png}
	u, err := p.PhotoURL(context.Background(), photo)
	if err != nil {
		t.Fatal(err)
	}
	again, err := p.PhotoURL(context.Background(), photo)
	if err != nil || again == u {
		t.Errorf("second publication %q (%v); want another URL than %q", again, err, u)
	}
	resp, body := fetch(t, http.MethodGet, u)
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, png) || resp.Header.Get("Content-Type") != "image/png" ||
		resp.Header.Get("Content-Disposition") != `inline; filename="bieu-do.png"` {
		t.Errorf("GET photo = %d %q, headers %v", resp.StatusCode, body, resp.Header)
	}
}

// TestNewRefusesBadBase: the base URL must be an absolute http(s) URL.
func TestNewRefusesBadBase(t *testing.T) {
	st := storetest.New(t)
	clk := clock.NewFake(start)
	for _, base := range []string{"", "nhacviec.example.org", "ftp://nhacviec.example.org", "https://", "https://x.org/?a=1", "://x"} {
		if _, err := publish.New(st, base, time.Hour, clk); err == nil {
			t.Errorf("New(%q) accepted", base)
		}
	}
	if _, err := publish.New(st, "https://x.org", -time.Hour, clk); err == nil {
		t.Error("a negative TTL accepted")
	}
	p, err := publish.New(st, "https://nhacviec.example.org/", 0, clk)
	if err != nil {
		t.Fatal(err)
	}
	u, expires, err := p.FileURL(context.Background(), &store.Attachment{Kind: store.EvidencePhoto, Filename: "a.png", Data: []byte("x")})
	if err != nil || !strings.HasPrefix(u, "https://nhacviec.example.org/f/") || !expires.Equal(start.Add(publish.DefaultTTL)) {
		t.Errorf("FileURL = %q, %s, %v; want under https://nhacviec.example.org/f/ for the default TTL", u, expires, err)
	}
}

// TestContentDisposition: ASCII names go as they are; Vietnamese ones
// (composed or not) get an ASCII fallback and the exact name as
// filename*; quotes, paths and controls never reach the header.
func TestContentDisposition(t *testing.T) {
	tests := []struct{ name, want, read string }{
		{"report.xlsx", `attachment; filename="report.xlsx"`, "report.xlsx"},
		{"Tổng hợp Q3.xlsx", `attachment; filename="Tong hop Q3.xlsx"; filename*=UTF-8''T%E1%BB%95ng%20h%E1%BB%A3p%20Q3.xlsx`, "Tổng hợp Q3.xlsx"},
		{"ĐỀ ÁN.docx", `attachment; filename="DE AN.docx"; filename*=UTF-8''%C4%90%E1%BB%80%20%C3%81N.docx`, "ĐỀ ÁN.docx"},
		{"Be\u0301o.docx", `attachment; filename="Beo.docx"; filename*=UTF-8''Be%CC%81o.docx`, "Be\u0301o.docx"},
		{`a"b\c.txt`, `attachment; filename="a_b_c.txt"; filename*=UTF-8''a%22b%5Cc.txt`, `a"b\c.txt`},
		{"日報.pdf", `attachment; filename="__.pdf"; filename*=UTF-8''%E6%97%A5%E5%A0%B1.pdf`, "日報.pdf"},
	}
	for _, tt := range tests {
		got := publish.ContentDisposition("attachment", tt.name)
		if got != tt.want {
			t.Errorf("ContentDisposition(%q) = %s\nwant %s", tt.name, got, tt.want)
		}
		if _, params, err := mime.ParseMediaType(got); err != nil || params["filename"] != tt.read {
			t.Errorf("%s read back as %q (%v), want %q", got, params["filename"], err, tt.read)
		}
	}
}

// TestPublishedNameIsCleaned: a path, controls and reordering marks are
// taken out of the published name.
func TestPublishedNameIsCleaned(t *testing.T) {
	p, _, _ := serve(t, time.Hour)
	u, _, err := p.FileURL(context.Background(), &store.Attachment{Kind: store.EvidenceDocument,
		Filename: "../../etc/b\u00e1o\r\ncáo\u202egpj.xlsx", Data: []byte("x")})
	if err != nil {
		t.Fatal(err)
	}
	resp, _ := fetch(t, http.MethodGet, u)
	_, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition"))
	if err != nil || params["filename"] != "báocáogpj.xlsx" {
		t.Errorf("served as %q (%v); want báocáogpj.xlsx", params["filename"], err)
	}
}

// TestContentType: by extension for the product's files, sniffed else.
func TestContentType(t *testing.T) {
	for name, want := range map[string]string{
		"a.PNG":  "image/png",
		"a.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"a.pdf":  "application/pdf",
		"a":      "image/png",
		"a.bin":  "image/png",
	} {
		if got := publish.ContentType(name, []byte("\x89PNG\r\n\x1a\n")); got != want {
			t.Errorf("ContentType(%q) = %q, want %q", name, got, want)
		}
	}
	if got := publish.ContentType("x", []byte{0, 1, 2}); got != "application/octet-stream" {
		t.Errorf("unknown bytes: %q", got)
	}
}
