-- Column mappings and options of imports, saved under a name for the next file of the same kind.
CREATE TABLE import_mappings (
    name     VARCHAR NOT NULL,
    kind     VARCHAR NOT NULL,      -- requests, touchpoints, survey, usage
    options  JSON NOT NULL,
    saved_by VARCHAR NOT NULL,
    saved_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (kind, name)
);
