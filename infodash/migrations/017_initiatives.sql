-- Performance initiatives (the balanced scorecard) and their reviews. An initiative names a metric from the
-- library's catalogue (infodash.initiatives.METRICS), its scope (all, one service or one customer group) and a
-- target; its baseline and progress are computed from the data, never stored. Initiatives are closed, not
-- deleted, so their reviews keep their history. The service and group ids are checked by the library (as the
-- policies' are), so the organisation's set-up can change without a foreign key in the way.
CREATE SEQUENCE initiative_id_seq START 1;
CREATE TABLE initiatives (
    initiative_id INTEGER PRIMARY KEY DEFAULT nextval('initiative_id_seq'),
    statement     VARCHAR NOT NULL,
    perspective   VARCHAR NOT NULL CHECK (perspective IN ('customer', 'internal', 'learning', 'value')),
    objective     VARCHAR NOT NULL DEFAULT '',
    metric        VARCHAR NOT NULL,
    scope         VARCHAR NOT NULL CHECK (scope IN ('all', 'service', 'group')),
    service_id    INTEGER,
    group_id      INTEGER,
    direction     VARCHAR NOT NULL CHECK (direction IN ('at_least', 'at_most')),
    target        DOUBLE NOT NULL,
    starts_on     DATE NOT NULL,
    review_on     DATE NOT NULL,
    barriers      VARCHAR NOT NULL DEFAULT '',
    supports      VARCHAR NOT NULL DEFAULT '',
    benefits      VARCHAR NOT NULL DEFAULT '',
    owner         VARCHAR NOT NULL,
    closed_on     DATE,
    created_by    VARCHAR NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ
);
CREATE SEQUENCE initiative_review_id_seq START 1;
CREATE TABLE initiative_reviews (
    review_id     INTEGER PRIMARY KEY DEFAULT nextval('initiative_review_id_seq'),
    initiative_id INTEGER NOT NULL,
    reviewed_on   DATE NOT NULL,
    notes         VARCHAR NOT NULL,
    decision      VARCHAR NOT NULL CHECK (decision IN ('continue', 'refine', 'close')),
    reviewed_by   VARCHAR NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
