package i18n

// targetMessages are the words of targets of several kinds: their kinds,
// their judgements in a digest, and the digest lines about them.
func targetMessages() map[Key]Entry {
	return map[Key]Entry{
		"judgement.met":      {VI: "đạt", EN: "met"},
		"judgement.not_met":  {VI: "chưa đạt", EN: "not met"},
		"judgement.on_track": {VI: "đúng tiến độ", EN: "on track"},
		"judgement.behind":   {VI: "chậm tiến độ", EN: "behind"},
		"judgement.not_due":  {VI: "chưa đến kỳ đánh giá", EN: "not due yet"},
		"judgement.no_data":  {VI: "chưa có số liệu", EN: "no data"},

		"target_kind.level":      {VI: "theo kỳ", EN: "level"},
		"target_kind.cumulative": {VI: "lũy kế", EN: "cumulative"},
		"target_kind.year_end":   {VI: "cuối năm", EN: "year end"},
		"target_kind.external":   {VI: "cấp trên đánh giá", EN: "measured by others"},

		"targets.unmet_head":     {VI: "Chỉ tiêu chưa đạt, chậm tiến độ (%d):", EN: "Targets not met or behind (%d):"},
		"targets.behind_item":    {VI: "- %s: %s (cần %s theo tiến độ, mục tiêu %s)", EN: "- %s: %s (%s due by now, goal %s)"},
		"targets.count":          {VI: "%d %s", EN: "%d %s"},
		"targets.rest":           {VI: "Các chỉ tiêu khác: %s.", EN: "Other targets: %s."},
		"workbook.col.kind":      {VI: "Loại chỉ tiêu", EN: "Kind"},
		"workbook.col.judgement": {VI: "Đánh giá", EN: "Judgement"},
		"workbook.rate_none":     {VI: "chưa có nhiệm vụ đến hạn", EN: "nothing due"},
		"targets.summary":        {VI: "Chỉ tiêu (%d): %s.", EN: "Targets (%d): %s."},
	}
}
