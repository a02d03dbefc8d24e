package publish

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/store"
)

// Handler serves the published files at Prefix<token> (GET and HEAD) as
// of the clock's now:
//
//   - a file that answers is sent with its Content-Type, a
//     Content-Disposition naming it (inline for a picture, attachment for
//     anything else; an ASCII filename and the exact one as filename*,
//     RFC 6266), Cache-Control "private, no-store",
//     X-Content-Type-Options "nosniff" and a sandboxing
//     Content-Security-Policy;
//   - an unknown, malformed or expired token is 404, the same answer for
//     each, so that the URL tells nothing of which;
//   - any other method is 405, with Allow: GET, HEAD.
//
// Mount it at Prefix of the server reached at http.public_url.
func Handler(st *store.Store, clk clock.Clock) http.Handler {
	return &handler{st: st, clk: clk}
}

type handler struct {
	st  *store.Store
	clk clock.Clock
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Cache-Control", "private, no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hd.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	token, ok := strings.CutPrefix(r.URL.Path, Prefix)
	if !ok || token == "" || strings.Contains(token, "/") {
		http.NotFound(w, r)
		return
	}
	f, err := h.st.PublishedFile(r.Context(), token, h.clk.Now())
	if errors.Is(err, store.ErrNotFound) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	disposition := "attachment"
	if inline(f.ContentType) {
		disposition = "inline"
	}
	hd.Set("Content-Type", f.ContentType)
	hd.Set("Content-Disposition", ContentDisposition(disposition, f.Filename))
	hd.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; sandbox")
	hd.Set("Content-Length", strconv.Itoa(len(f.Data)))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(f.Data)
}

// inline reports whether a file of contentType is shown in place: the
// pictures a browser draws without running anything (never SVG).
func inline(contentType string) bool {
	switch contentType {
	case "image/png", "image/jpeg", "image/gif", "image/webp":
		return true
	}
	return false
}

// ContentDisposition is the Content-Disposition header of a file named
// filename (RFC 6266): the disposition type, the filename parameter with
// an ASCII form of the name (Vietnamese letters without their diacritics,
// other characters as "_") and, when the name is not that, the
// filename* parameter with the exact name in UTF-8, percent-encoded
// (RFC 8187), which browsers prefer.
//
//	attachment; filename="Tong hop quy III.xlsx"; filename*=UTF-8''T%E1%BB%95ng%20h%E1%BB%A3p%20qu%C3%BD%20III.xlsx
func ContentDisposition(disposition, filename string) string {
	ascii := asciiFilename(filename)
	v := disposition + `; filename="` + ascii + `"`
	if ascii != filename {
		v += "; filename*=UTF-8''" + encodeExtValue(filename)
	}
	return v
}

// asciiFilename is name in printable ASCII for a quoted filename
// parameter: Vietnamese letters lose their diacritics (đ is d), and other
// characters, quotes and backslashes become "_".
func asciiFilename(name string) string {
	var b strings.Builder
	for _, r := range name {
		if unicode.Is(unicode.Mn, r) {
			continue // a diacritic written apart from its letter (NFD)
		}
		r = baseLetter(r)
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			r = '_'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// vietnamese lists the letters with diacritics of each base letter.
var vietnamese = [...]struct {
	base     rune
	variants string
}{
	{'a', "àáảãạăằắẳẵặâầấẩẫậ"},
	{'d', "đ"},
	{'e', "èéẻẽẹêềếểễệ"},
	{'i', "ìíỉĩị"},
	{'o', "òóỏõọôồốổỗộơờớởỡợ"},
	{'u', "ùúủũụưừứửữự"},
	{'y', "ỳýỷỹỵ"},
}

// baseLetter maps a Vietnamese letter with diacritics to its base letter,
// keeping its case; any other rune is returned as it is.
func baseLetter(r rune) rune {
	if r < 0x80 {
		return r
	}
	lower := unicode.ToLower(r)
	for _, v := range vietnamese {
		if strings.ContainsRune(v.variants, lower) {
			if lower != r {
				return unicode.ToUpper(v.base)
			}
			return v.base
		}
	}
	return r
}

// encodeExtValue percent-encodes s in UTF-8 for an RFC 8187 ext-value:
// every byte but the attr-chars.
func encodeExtValue(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAttrChar(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0xf])
	}
	return b.String()
}

// isAttrChar reports whether c is an attr-char of RFC 8187.
func isAttrChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}
