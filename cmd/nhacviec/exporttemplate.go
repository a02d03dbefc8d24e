package main

import (
	"context"
	"fmt"
	"os"

	"github.com/nhacviec/nhacviec/examples"
	"github.com/nhacviec/nhacviec/planfile"
	"github.com/nhacviec/nhacviec/xlsx"
)

func runExportTemplate(ctx context.Context, e env, args []string) error {
	fs, _ := newFlags(e, "export-template", "[-o FILE] [--empty]",
		"Write the Excel plan template (sheets Đơn vị, Cán bộ, Lĩnh vực, Chỉ tiêu, Nhiệm vụ and the\n"+
			"instructions in Hướng dẫn), filled with the example plan as a sample unless --empty.\n"+
			"Fill it in, then load it with: nhacviec import FILE.xlsx")
	out := fs.String("o", "kehoach.xlsx", "write to `FILE`")
	empty := fs.Bool("empty", false, "leave the sheets empty (headers only)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usageError{"export-template takes no arguments; name the file with -o"}
	}
	var f *planfile.File
	if !*empty {
		if f, err = planfile.Parse(examples.PlanFile, examples.Plan()); err != nil {
			return fmt.Errorf("example plan: %w", err)
		}
	}
	data, err := xlsx.Template(f)
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		return fmt.Errorf("write template: %w", err)
	}
	fmt.Fprintf(e.stdout, "template written to %s\n", *out)
	return nil
}
