-- +goose Up
-- Found by tools/bench: "who reported in this period" (digests,
-- /chuabaocao) looks up target readings by official and time, as progress
-- reports already can (progress_reports_official_idx).
CREATE INDEX target_readings_official_idx ON target_readings (official_id, reported_at);

-- +goose Down
DROP INDEX target_readings_official_idx;
