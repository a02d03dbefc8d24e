package planfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that Parse never panics and returns either a File or a
// non-empty Errors whose every element is located in the named file.
func FuzzParse(f *testing.F) {
	for _, pattern := range []string{"../examples/*.yaml", "../examples/bad/*.yaml"} {
		names, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, name := range names {
			data, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Add([]byte(base))
	f.Add([]byte(""))
	f.Add([]byte("a: &x [*x]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("f.yaml", data)
		if (file == nil) == (err == nil) {
			t.Fatalf("Parse returned file %v and error %v: want exactly one", file != nil, err)
		}
		if err == nil {
			if file.Unit.Code == "" || file.Plan.Year == 0 || len(file.Officials) == 0 {
				t.Fatalf("valid file without unit, plan or officials: %+v", file)
			}
			return
		}
		var errs Errors
		if !errors.As(err, &errs) || len(errs) == 0 {
			t.Fatalf("error %v (%T) is not a non-empty Errors", err, err)
		}
		for _, e := range errs {
			if e.File != "f.yaml" || e.Msg == "" {
				t.Fatalf("bad error element %#v", e)
			}
		}
	})
}
