package mail_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/delivery"
	mailer "github.com/nhacviec/nhacviec/mail"
	"github.com/nhacviec/nhacviec/mail/smtptest"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

var t0 = time.Date(2025, 4, 15, 8, 0, 0, 0, time.FixedZone("ICT", 7*3600))

const (
	from    = "UBND phường Phan Đình Phùng <ubnd@phandinhphung.example.gov.vn>"
	subject = "Báo cáo tiến độ thực hiện Kế hoạch cải cách hành chính năm 2025 – quý I/2025 (từ 15/12/2024 đến 14/3/2025)"
	body    = "Kính gửi đồng chí Chủ tịch UBND phường,\n\nĐã hoàn thành đúng hạn: 12; hoàn thành trễ hạn: 2; quá hạn: 3.\nTỷ lệ đúng hạn: 70,6%.\n"
)

// workbook returns a small .xlsx file with Vietnamese content.
func workbook(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetCellValue("Sheet1", "A1", "Cải cách thủ tục hành chính"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellValue("Sheet1", "B1", 70.6); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// parsed is a received message taken apart.
type parsed struct {
	header      mail.Header
	subject     string
	text        string
	attachments map[string][]byte // file name → bytes
	types       map[string]string // file name → media type
}

// parse reads a received message back with net/mail and mime/multipart.
func parse(t *testing.T, data []byte) parsed {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("read message: %v\n%s", err, data)
	}
	var dec mime.WordDecoder
	subj, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("decode subject: %v", err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("content type %q: %v", msg.Header.Get("Content-Type"), err)
	}
	p := parsed{header: msg.Header, subject: subj, attachments: map[string][]byte{}, types: map[string]string{}}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for i := 0; ; i++ {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("part %d: %v", i, err)
		}
		content, err := io.ReadAll(part) // quoted-printable is decoded by the reader
		if err != nil {
			t.Fatalf("part %d: %v", i, err)
		}
		if i == 0 {
			if ct := part.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
				t.Errorf("body content type = %q", ct)
			}
			p.text = string(content)
			continue
		}
		if enc := part.Header.Get("Content-Transfer-Encoding"); enc != "base64" {
			t.Errorf("attachment encoding = %q, want base64", enc)
		}
		raw, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(content), "\r\n", ""))
		if err != nil {
			t.Fatalf("attachment %d: %v", i, err)
		}
		ct, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		p.attachments[part.FileName()] = raw
		p.types[part.FileName()] = ct
	}
	return p
}

func TestMessageBytes(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n chart")
	m := mailer.Message{
		From:    from,
		To:      []string{"Vương Văn Toàn <chutich@example.gov.vn>", "vanphong@example.gov.vn"},
		Subject: subject,
		Text:    body + "\n.dòng bắt đầu bằng dấu chấm\n",
		Attachments: []store.Attachment{
			{Kind: "photo", Filename: "biểu-đồ-quý-I.png", Data: png},
			{Kind: "document", Filename: "bao-cao.xlsx", Data: bytes.Repeat([]byte{0, 1, 2, 250}, 100)},
		},
		Date:      t0,
		MessageID: mailer.MessageID("digest:pdp:2025-Q1", from),
	}
	data, err := m.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(data), "\r\n") {
		if len(line) > 998 {
			t.Errorf("line %d has %d octets, SMTP allows 998", i, len(line))
		}
	}
	p := parse(t, data)
	if p.subject != subject {
		t.Errorf("subject = %q, want %q", p.subject, subject)
	}
	if want := strings.ReplaceAll(m.Text, "\n", "\r\n"); p.text != want {
		t.Errorf("text = %q, want %q", p.text, want)
	}
	to, err := p.header.AddressList("To")
	if err != nil || len(to) != 2 || to[0].Name != "Vương Văn Toàn" || to[1].Address != "vanphong@example.gov.vn" {
		t.Errorf("To = %v, %v", to, err)
	}
	f, err := mail.ParseAddress(p.header.Get("From"))
	if err != nil || f.Name != "UBND phường Phan Đình Phùng" {
		t.Errorf("From = %v, %v", f, err)
	}
	if d, err := p.header.Date(); err != nil || !d.Equal(t0) {
		t.Errorf("Date = %v, %v; want %v", d, err, t0)
	}
	if id := p.header.Get("Message-ID"); !strings.HasSuffix(id, "@phandinhphung.example.gov.vn>") {
		t.Errorf("Message-ID = %q", id)
	}
	if !bytes.Equal(p.attachments["biểu-đồ-quý-I.png"], png) || p.types["biểu-đồ-quý-I.png"] != "image/png" {
		t.Errorf("png attachment = %q (%s)", p.attachments["biểu-đồ-quý-I.png"], p.types["biểu-đồ-quý-I.png"])
	}
	if !bytes.Equal(p.attachments["bao-cao.xlsx"], m.Attachments[1].Data) {
		t.Error("xlsx attachment differs")
	}
	if mailer.MessageID("a", from) != mailer.MessageID("a", from) || mailer.MessageID("a", from) == mailer.MessageID("b", from) {
		t.Error("MessageID is not a function of its key")
	}

	for _, bad := range []mailer.Message{
		{From: "not an address", To: []string{"a@example.gov.vn"}},
		{From: from},
		{From: from, To: []string{"văn phòng"}},
	} {
		if _, err := bad.Bytes(); err == nil {
			t.Errorf("Bytes(%+v): no error", bad)
		}
	}
}

// fixture is a store, a fake clock and the delivery worker's e-mail lane
// sending to addr.
type fixture struct {
	st     *store.Store
	clk    *clock.Fake
	worker *delivery.Lane
}

func newFixture(t *testing.T, cfg mailer.SMTPConfig, opts delivery.Options) fixture {
	t.Helper()
	st := storetest.New(t)
	clk := clock.NewFake(t0)
	sender, err := mailer.NewSMTPSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if opts.SendTimeout == 0 {
		opts.SendTimeout = 10 * time.Second
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	lane := delivery.NewLane(st, mailer.NewSender(sender, from, clk), clk, log, mailer.LaneOptions(opts))
	return fixture{st: st, clk: clk, worker: lane}
}

// enqueue puts the quarterly digest e-mail in the outbox at the fixture's now.
func (f fixture) enqueue(t *testing.T, xlsx []byte) {
	t.Helper()
	_, err := store.EnqueueEmail(context.Background(), f.st, store.EmailMessage{
		DedupeKey: "digest-email:pdp:2025-Q1",
		To:        []string{"chutich@example.gov.vn", "Văn phòng - Thống kê <vanphong@example.gov.vn>"},
		Subject:   subject,
		Text:      body,
		Attachments: []store.Attachment{
			{Kind: "document", Filename: "bao-cao-cchc-2025-Q1.xlsx", Data: xlsx},
		},
		NotBefore: f.clk.Now(),
	})
	if err != nil {
		t.Fatal(err)
	}
}

// row returns the only e-mail outbox row.
func (f fixture) row(t *testing.T) store.EmailRow {
	t.Helper()
	rows, err := f.st.EmailRows(context.Background())
	if err != nil || len(rows) != 1 {
		t.Fatalf("e-mail rows = %d, %v; want 1", len(rows), err)
	}
	return rows[0]
}

func TestWorkerDeliversDigestWithWorkbook(t *testing.T) {
	ctx := context.Background()
	srv := smtptest.Start(t, smtptest.Config{Username: "ubnd", Password: "mật-khẩu"})
	f := newFixture(t, mailer.SMTPConfig{Addr: srv.Addr(), Username: "ubnd", Password: "mật-khẩu"}, delivery.Options{})
	xlsx := workbook(t)
	f.enqueue(t, xlsx)

	n, err := f.worker.DrainOnce(ctx)
	if err != nil || n != 1 {
		t.Fatalf("drain = %d, %v; want 1", n, err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server received %d messages, want 1", len(msgs))
	}
	got := msgs[0]
	if got.AuthUser != "ubnd" || got.From != "ubnd@phandinhphung.example.gov.vn" ||
		strings.Join(got.To, ",") != "chutich@example.gov.vn,vanphong@example.gov.vn" {
		t.Errorf("envelope = auth %q, from %q, to %v", got.AuthUser, got.From, got.To)
	}
	p := parse(t, got.Data)
	if p.subject != subject {
		t.Errorf("subject = %q, want %q", p.subject, subject)
	}
	if want := strings.ReplaceAll(body, "\n", "\r\n"); p.text != want {
		t.Errorf("text = %q, want %q", p.text, want)
	}
	att, ok := p.attachments["bao-cao-cchc-2025-Q1.xlsx"]
	if !ok || !bytes.Equal(att, xlsx) {
		t.Fatalf("workbook attachment missing or changed (%d bytes, want %d)", len(att), len(xlsx))
	}
	if ct := p.types["bao-cao-cchc-2025-Q1.xlsx"]; ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Errorf("workbook type = %q", ct)
	}
	wb, err := excelize.OpenReader(bytes.NewReader(att))
	if err != nil {
		t.Fatalf("open received workbook: %v", err)
	}
	defer wb.Close()
	if v, _ := wb.GetCellValue("Sheet1", "A1"); v != "Cải cách thủ tục hành chính" {
		t.Errorf("received workbook A1 = %q", v)
	}

	r := f.row(t)
	if r.Status != store.OutboxSent || r.SentAt == nil || !r.SentAt.Equal(t0) || r.Attempts != 1 {
		t.Errorf("row = %+v, want sent at %v after 1 attempt", r, t0)
	}
	if s := f.worker.Stats().Snapshot(); s.Sent != 1 || s.Failed != 0 {
		t.Errorf("stats = %+v", s)
	}
	if n, err := f.worker.DrainOnce(ctx); err != nil || n != 0 {
		t.Errorf("second drain = %d, %v; want nothing to do", n, err)
	}
}

func TestWorkerRetriesUntilServerIsBack(t *testing.T) {
	ctx := context.Background()
	srv := smtptest.Start(t, smtptest.Config{})
	addr := srv.Addr()
	srv.Close() // the server is down
	f := newFixture(t, mailer.SMTPConfig{Addr: addr}, delivery.Options{BaseBackoff: time.Minute, MaxBackoff: time.Hour})
	f.enqueue(t, workbook(t))

	for attempt := 1; attempt <= 2; attempt++ {
		// DrainOnce counts the e-mails delivered: none while the server is down.
		if n, err := f.worker.DrainOnce(ctx); err != nil || n != 0 {
			t.Fatalf("attempt %d: drain = %d, %v; want 0 delivered", attempt, n, err)
		}
		r := f.row(t)
		if r.Status != store.OutboxPending || r.Attempts != attempt || !strings.Contains(r.LastError, "connect") {
			t.Fatalf("attempt %d: row = %+v, want pending with a connection error", attempt, r)
		}
		// Backoff is jittered between half and all of base·2^(attempt-1).
		wait := r.NextAttemptAt.Sub(f.clk.Now())
		lo, hi := time.Minute<<(attempt-1)/2, time.Minute<<(attempt-1)
		if wait < lo || wait > hi {
			t.Errorf("attempt %d: retry in %v, want between %v and %v", attempt, wait, lo, hi)
		}
		if n, err := f.worker.DrainOnce(ctx); err != nil || n != 0 {
			t.Fatalf("attempt %d: drain before the retry is due = %d, %v; want 0", attempt, n, err)
		}
		f.clk.Set(r.NextAttemptAt)
	}

	back := smtptest.Start(t, smtptest.Config{Addr: addr})
	if n, err := f.worker.DrainOnce(ctx); err != nil || n != 1 {
		t.Fatalf("drain after restart = %d, %v; want 1", n, err)
	}
	if got := len(back.Messages()); got != 1 {
		t.Fatalf("server received %d messages, want 1", got)
	}
	r := f.row(t)
	if r.Status != store.OutboxSent || r.Attempts != 3 || r.LastError != "" {
		t.Errorf("row = %+v, want sent on the third attempt with no error", r)
	}
	if s := f.worker.Stats().Snapshot(); s.Sent != 1 || s.Failed != 2 || s.Retried != 2 || s.Dead != 0 {
		t.Errorf("stats = %+v", s)
	}
}

func TestWorkerGivesUp(t *testing.T) {
	tests := []struct {
		name         string
		server       smtptest.Config
		smtp         mailer.SMTPConfig
		wantAttempts int
		wantErr      string
	}{
		{
			name:         "temporary refusal until max attempts",
			server:       smtptest.Config{RejectRcpt: "451 4.3.0 mailbox busy, try again later"},
			wantAttempts: 3,
			wantErr:      "451",
		},
		{
			name:         "permanent refusal at once",
			server:       smtptest.Config{RejectRcpt: "550 5.1.1 mailbox unavailable"},
			wantAttempts: 1,
			wantErr:      "550",
		},
		{
			name:         "starttls required but not offered",
			server:       smtptest.Config{},
			smtp:         mailer.SMTPConfig{StartTLS: mailer.StartTLSAlways},
			wantAttempts: 3,
			wantErr:      "STARTTLS",
		},
		{
			name:         "wrong password",
			server:       smtptest.Config{Username: "ubnd", Password: "đúng"},
			smtp:         mailer.SMTPConfig{Username: "ubnd", Password: "sai"},
			wantAttempts: 3,
			wantErr:      "535",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			srv := smtptest.Start(t, tt.server)
			cfg := tt.smtp
			cfg.Addr = srv.Addr()
			f := newFixture(t, cfg, delivery.Options{MaxAttempts: 3, BaseBackoff: time.Minute, MaxBackoff: time.Hour})
			f.enqueue(t, workbook(t))
			for i := 0; i < 10; i++ {
				if _, err := f.worker.DrainOnce(ctx); err != nil {
					t.Fatal(err)
				}
				f.clk.Advance(time.Hour)
			}
			r := f.row(t)
			if r.Status != store.OutboxDead || r.Attempts != tt.wantAttempts || !strings.Contains(r.LastError, tt.wantErr) {
				t.Errorf("row = status %s, attempts %d, error %q; want dead after %d attempts with %q",
					r.Status, r.Attempts, r.LastError, tt.wantAttempts, tt.wantErr)
			}
			if got := len(srv.Messages()); got != 0 {
				t.Errorf("server accepted %d messages, want none", got)
			}
			if s := f.worker.Stats().Snapshot(); s.Dead != 1 || s.Failed != int64(tt.wantAttempts) {
				t.Errorf("stats = %+v", s)
			}
		})
	}
}
