package bot

import (
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/nhacviec/nhacviec/plan"
)

// Errors of ParseProgress.
var (
	// ErrPercentRange: a percentage below 0 or above 100.
	ErrPercentRange = errors.New("bot: percentage out of range 0..100")
	// ErrEmptyProgress: nothing to record.
	ErrEmptyProgress = errors.New("bot: empty progress report")
)

// Progress is what an official's reply says about a task.
type Progress struct {
	HasPercent bool
	Percent    int  // 0..100, when HasPercent
	Done       bool // the task is finished (also when Percent is 100)
	Note       string
}

// isDoneWord reports whether folded text is one of the replies that mark a
// task done.
func isDoneWord(folded string) bool {
	switch folded {
	case "xong", "da xong", "xong roi", "da xong roi", "xong het", "xong het roi",
		"hoan thanh", "da hoan thanh", "hoan thanh roi", "da hoan thanh roi",
		"done", "finished", "complete", "completed":
		return true
	}
	return false
}

// percentPrefix matches a reply starting with a percentage: "60%",
// "60 %", "62,5% đã trình ký".
var percentPrefix = regexp.MustCompile(`^([+-]?\d{1,6}(?:[.,]\d+)?)\s*%\s*(?s:(.*))$`)

// bareNumber matches a reply that is only a number: "60".
var bareNumber = regexp.MustCompile(`^[+-]?\d{1,6}(?:[.,]\d+)?$`)

// ParseProgress reads a progress reply:
//
//   - a percentage, "60%" or "60 %", optionally followed by a note ("80% đã
//     trình ký" sets 80 and the note "đã trình ký");
//   - a bare number, "60", is a percentage too;
//   - "xong", "đã xong", "xong rồi", "hoàn thành", "đã hoàn thành", "done"
//     (any case, with or without diacritics) mark the task done, as does
//     100%;
//   - any other text is a note.
//
// A percentage below 0 or above 100 gives ErrPercentRange and empty text
// ErrEmptyProgress. Fractions are rounded to the nearest whole percent.
func ParseProgress(text string) (Progress, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return Progress{}, ErrEmptyProgress
	}
	if isDoneWord(fold(text)) {
		return Progress{HasPercent: true, Percent: 100, Done: true}, nil
	}
	number, note := "", ""
	if m := percentPrefix.FindStringSubmatch(text); m != nil {
		number, note = m[1], strings.TrimSpace(strings.TrimLeft(m[2], "-–—:,.; \t"))
	} else if bareNumber.MatchString(text) {
		number = text
	}
	if number == "" {
		return Progress{Note: text}, nil
	}
	v, err := strconv.ParseFloat(strings.Replace(number, ",", ".", 1), 64)
	if err != nil || v < 0 || v > 100 {
		return Progress{}, ErrPercentRange
	}
	pct := int(math.Round(v))
	return Progress{HasPercent: true, Percent: pct, Done: pct == 100, Note: note}, nil
}

// fold lowers s, removes Vietnamese diacritics (đ becomes d), trims
// punctuation, symbols and emoji around it and collapses inner spaces, so
// that "Hoàn thành rồi!" and "hoan thanh roi" compare equal.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(baseLetter(r))
		case unicode.IsSpace(r):
			space = true
		default:
			// Punctuation and emoji separate words but are dropped.
			space = true
		}
	}
	return b.String()
}

// baseLetter maps a lower-case Vietnamese letter to its letter without
// diacritics.
func baseLetter(r rune) rune {
	if r < 0x80 {
		return r
	}
	for base, variants := range [...]string{
		'a' - 'a': "àáảãạăằắẳẵặâầấẩẫậ",
		'd' - 'a': "đ",
		'e' - 'a': "èéẻẽẹêềếểễệ",
		'i' - 'a': "ìíỉĩị",
		'o' - 'a': "òóỏõọôồốổỗộơờớởỡợ",
		'u' - 'a': "ùúủũụưừứửữự",
		'y' - 'a': "ỳýỷỹỵ",
	} {
		if variants != "" && strings.ContainsRune(variants, r) {
			return rune('a' + base)
		}
	}
	return r
}

// refPrefix matches "2: 60%", "2. xong", "2) ...", "2 - ..." and "2 60%":
// a list number, then a separator or a space, then the report.
var refPrefix = regexp.MustCompile(`^(\d{1,3})\s*(?:[:.)\-–]\s*|\s+)(?s:(.+))$`)

// splitRef reads the list number a reply to a multi-task message starts
// with. It reports false when there is none.
func splitRef(text string) (n int, rest string, ok bool) {
	m := refPrefix.FindStringSubmatch(strings.TrimSpace(text))
	if m == nil {
		return 0, "", false
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		return 0, "", false
	}
	return n, strings.TrimSpace(m[2]), true
}

// parseReading reads a target reading: a number ("96,5", "96.5", "96,5%")
// for percent and count targets, or "có"/"không"/"yes"/"no" (1 or 0) for
// yes/no targets.
func parseReading(text, measure string, kind plan.TargetKind) (float64, bool) {
	t := strings.TrimSpace(text)
	if measure == "yesno" {
		switch fold(t) {
		case "co", "yes", "y", "dat", "da co", "1":
			return 1, true
		case "khong", "no", "n", "chua", "chua co", "0", "khong dat":
			return 0, true
		}
		return 0, false
	}
	t = strings.TrimSpace(strings.TrimSuffix(t, "%"))
	t = strings.ReplaceAll(t, " ", "")
	// "1.234" and "1,5": one separator is the decimal point; a count may use
	// dots or commas to group thousands ("1.234", "1,234") only when
	// followed by exactly three digits.
	if strings.Count(t, ",")+strings.Count(t, ".") == 1 {
		i := strings.IndexAny(t, ".,")
		if measure == "count" && len(t)-i-1 == 3 {
			t = t[:i] + t[i+1:]
		} else {
			t = t[:i] + "." + t[i+1:]
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0, false
	}
	// A cumulative percent (disbursement against the year's allocation)
	// may pass 100; any other percent may not.
	if measure == "percent" && v > 100 && kind != plan.KindCumulative {
		return 0, false
	}
	return v, true
}
