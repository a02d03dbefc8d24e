package i18n

// reportMessages are the texts of the roll-up digest (the per-ward table).
func reportMessages() map[Key]Entry {
	return map[Key]Entry{
		"rollup.units_head": {
			VI: "Theo đơn vị (đúng hạn / quá hạn / đang thực hiện; tỷ lệ đúng hạn), xếp từ đơn vị chậm nhất:",
			EN: "By unit (on time / late or overdue / in progress; on-time rate), worst first:",
		},
		"rollup.unit_item":  {VI: "%d. %s: %d / %d / %d; %s", EN: "%d. %s: %d / %d / %d; %s"},
		"rollup.overdue":    {VI: "; %d nhiệm vụ quá hạn", EN: "; %d overdue"},
		"rollup.missing":    {VI: "; %d cán bộ chưa báo cáo", EN: "; %d officials did not report"},
		"rollup.rate_none":  {VI: "chưa có nhiệm vụ đến hạn", EN: "nothing due yet"},
		"rollup.unit_count": {VI: "Số đơn vị: %d", EN: "Units: %d"},
	}
}
