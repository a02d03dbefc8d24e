// Package mail is the e-mail channel (copies of the digests with their
// workbook): it formats messages and sends them over SMTP.
//
// Sender is the channel.Sender of e-mail: the delivery worker's e-mail
// lane claims the outbox's e-mail rows with a lease, sends each through it
// outside any transaction, then marks it sent. A crash between the SMTP
// server's answer and that mark leaves the row to be claimed again when its
// lease runs out: at most one duplicate (with the same Message-ID), never
// a lost e-mail. Temporary failures (network errors, 4xx replies) retry
// with exponential backoff until MaxAttempts (LaneOptions); permanent ones
// (5xx replies, a message that cannot be built) are channel.ErrRejected
// and make the row dead at once, keeping the error.
//
// Messages are multipart/mixed: a UTF-8 text/plain body in
// quoted-printable, then each attachment in base64. The subject and display
// names are RFC 2047-encoded, so Vietnamese survives every mail client.
package mail

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"path"
	"strings"
	"time"

	"github.com/nhacviec/nhacviec/store"
)

// Message is one e-mail to send.
type Message struct {
	From        string   // "Name <address>" or a bare address
	To          []string // each "Name <address>" or a bare address
	Subject     string
	Text        string // plain-text body, UTF-8
	Attachments []store.Attachment
	Date        time.Time
	// MessageID is the Message-ID header without angle brackets; retries
	// of one outbox row keep it, so mail clients show a duplicate once.
	MessageID string
}

// Envelope returns the bare sender and recipient addresses of m for the
// SMTP MAIL FROM and RCPT TO commands.
func (m Message) Envelope() (from string, to []string, err error) {
	f, err := mail.ParseAddress(m.From)
	if err != nil {
		return "", nil, fmt.Errorf("mail: from %q: %w", m.From, err)
	}
	if len(m.To) == 0 {
		return "", nil, fmt.Errorf("mail: no recipients")
	}
	for _, s := range m.To {
		a, err := mail.ParseAddress(s)
		if err != nil {
			return "", nil, fmt.Errorf("mail: recipient %q: %w", s, err)
		}
		to = append(to, a.Address)
	}
	return f.Address, to, nil
}

// Bytes renders m as an RFC 5322 message with CRLF line endings.
func (m Message) Bytes() ([]byte, error) {
	from, err := mail.ParseAddress(m.From)
	if err != nil {
		return nil, fmt.Errorf("mail: from %q: %w", m.From, err)
	}
	to := make([]string, 0, len(m.To))
	for _, s := range m.To {
		a, err := mail.ParseAddress(s)
		if err != nil {
			return nil, fmt.Errorf("mail: recipient %q: %w", s, err)
		}
		to = append(to, a.String())
	}
	if len(to) == 0 {
		return nil, fmt.Errorf("mail: no recipients")
	}

	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	header := func(k, v string) { fmt.Fprintf(&buf, "%s: %s\r\n", k, v) }
	header("From", from.String())
	header("To", strings.Join(to, ", "))
	header("Subject", mime.BEncoding.Encode("utf-8", m.Subject))
	header("Date", m.Date.Format(time.RFC1123Z))
	if m.MessageID != "" {
		header("Message-ID", "<"+m.MessageID+">")
	}
	header("MIME-Version", "1.0")
	header("Content-Type", mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": mw.Boundary()}))
	buf.WriteString("\r\n")

	body, err := mw.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {"text/plain; charset=utf-8"},
		"Content-Transfer-Encoding": {"quoted-printable"},
	})
	if err != nil {
		return nil, fmt.Errorf("mail: body: %w", err)
	}
	qp := quotedprintable.NewWriter(body)
	if _, err := io.WriteString(qp, crlf(m.Text)); err != nil {
		return nil, fmt.Errorf("mail: body: %w", err)
	}
	if err := qp.Close(); err != nil {
		return nil, fmt.Errorf("mail: body: %w", err)
	}

	for _, a := range m.Attachments {
		name := a.Filename
		if name == "" {
			name = "attachment"
		}
		part, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {mime.FormatMediaType(ContentType(name), map[string]string{"name": name})},
			"Content-Disposition":       {mime.FormatMediaType("attachment", map[string]string{"filename": name})},
			"Content-Transfer-Encoding": {"base64"},
		})
		if err != nil {
			return nil, fmt.Errorf("mail: attachment %s: %w", name, err)
		}
		if err := writeBase64(part, a.Data); err != nil {
			return nil, fmt.Errorf("mail: attachment %s: %w", name, err)
		}
	}
	if err := mw.Close(); err != nil {
		return nil, fmt.Errorf("mail: close: %w", err)
	}
	return buf.Bytes(), nil
}

// ContentType returns the media type of a file name by its extension, for
// the types nhacviec sends; anything else is application/octet-stream.
func ContentType(filename string) string {
	switch strings.ToLower(path.Ext(filename)) {
	case ".xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case ".docx":
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case ".pdf":
		return "application/pdf"
	case ".png":
		return "image/png"
	case ".csv":
		return "text/csv; charset=utf-8"
	case ".txt":
		return "text/plain; charset=utf-8"
	default:
		return "application/octet-stream"
	}
}

// writeBase64 writes data base64-encoded in lines of 76 characters.
func writeBase64(w io.Writer, data []byte) error {
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 76 {
		if _, err := io.WriteString(w, enc[:76]+"\r\n"); err != nil {
			return err
		}
		enc = enc[76:]
	}
	_, err := io.WriteString(w, enc+"\r\n")
	return err
}

// crlf turns every line ending of s into CRLF.
func crlf(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\n", "\r\n")
}

// MessageID returns a Message-ID (without angle brackets) in the domain of
// address from, derived from key: the same key gives the same id, so every
// attempt at one outbox row carries one Message-ID.
func MessageID(key, from string) string {
	domain := "nhacviec.invalid"
	if a, err := mail.ParseAddress(from); err == nil {
		if i := strings.LastIndexByte(a.Address, '@'); i >= 0 && i < len(a.Address)-1 {
			domain = a.Address[i+1:]
		}
	}
	sum := sha256.Sum256([]byte(key))
	return "nhacviec." + hex.EncodeToString(sum[:12]) + "@" + domain
}
