-- Management packs as they were handed out: what was asked for (period, filters, the lead's texts and
-- chosen comments), who made it and when, and the generated files themselves. The files are kept,
-- not regenerated: a pack records what management was shown, while its figures move afterwards (late
-- resolutions, imports, open requests judged against a later moment, comments withheld as waves change).
CREATE SEQUENCE management_pack_id_seq START 1;
CREATE TABLE management_packs (
    pack_id      INTEGER PRIMARY KEY DEFAULT nextval('management_pack_id_seq'),
    period_key   VARCHAR NOT NULL,            -- as written: 2026-Q3, 2026-09, 2026-W38, 2026
    period_label VARCHAR NOT NULL,            -- as shown: Q3 2026 (1 Jul - 30 Sep 2026)
    first_day    DATE NOT NULL,               -- the days the figures cover: [first_day, end_day)
    end_day      DATE NOT NULL,
    partial      BOOLEAN NOT NULL,            -- made while the period was still running
    group_ids    INTEGER[] NOT NULL,          -- the filters; empty: all
    service_ids  INTEGER[] NOT NULL,
    scope        VARCHAR NOT NULL,            -- the filters as the pack names them
    achievements VARCHAR NOT NULL,
    plans        VARCHAR NOT NULL,
    comment_ids  BIGINT[] NOT NULL,           -- survey_responses.response_id of the quoted comments
    judged_at    TIMESTAMPTZ NOT NULL,        -- open requests were judged against this instant
    created_by   VARCHAR NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE TABLE management_pack_files (
    pack_id   INTEGER NOT NULL,
    format    VARCHAR NOT NULL,               -- pptx, html, xlsx, csv
    file_name VARCHAR NOT NULL,
    content   BLOB NOT NULL,
    PRIMARY KEY (pack_id, format)
);
