-- +goose Up
-- A town's wards (store.ChildUnits: WHERE parent_id = $1), for town
-- digests: an index lookup instead of a scan of every unit.
CREATE INDEX units_parent_id_idx ON units (parent_id);

-- +goose Down
DROP INDEX units_parent_id_idx;
