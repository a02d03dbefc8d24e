package plan

import (
	"fmt"
	"strings"
	"time"
)

// ParseDayDate parses a date as offices write it, 30/06/2025 (or
// 30/6/2025, 30-06-2025), or as 2025-06-30, and rejects impossible dates.
func ParseDayDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if d, err := ParseDate(s); err == nil {
		return d, nil
	}
	for _, layout := range []string{"2/1/2006", "2-1-2006", "2.1.2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return DateOf(t), nil
		}
	}
	return Date{}, fmt.Errorf("invalid date %q: want DD/MM/YYYY or YYYY-MM-DD, a real calendar date", s)
}
