package report

import (
	"encoding/json"
	"fmt"
)

// RenderJSON renders d as indented JSON (the digest JSON of the README).
func RenderJSON(d *Digest) ([]byte, error) {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("report: encode digest %s %s: %w", d.Unit, d.Period.Key, err)
	}
	return append(b, '\n'), nil
}
