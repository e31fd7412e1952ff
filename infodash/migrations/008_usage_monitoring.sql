-- Usage monitoring: where loaded usage came from (so that loading a file again adds nothing and
-- a grown log adds only its new lines), the access-log fields, how far detection has looked,
-- and the patterns a reviewer dismissed so they are not raised again for that subject.
ALTER TABLE usage_events ADD COLUMN http_status SMALLINT;
ALTER TABLE usage_events ADD COLUMN bytes BIGINT;
CREATE TABLE usage_loads (
    source_key   VARCHAR PRIMARY KEY,     -- a file's identity: its name and the hash of its first 64 KiB
    file_name    VARCHAR NOT NULL,
    bytes_loaded BIGINT NOT NULL,
    prefix_hash  VARCHAR NOT NULL,        -- hash of the bytes loaded so far
    events       BIGINT NOT NULL,
    rejected     BIGINT NOT NULL,
    loaded_by    VARCHAR NOT NULL,
    loaded_at    TIMESTAMPTZ NOT NULL
);
CREATE TABLE detection_runs (
    detector     VARCHAR NOT NULL,
    data_through TIMESTAMPTZ NOT NULL,    -- events before this instant have been examined
    started_at   TIMESTAMPTZ NOT NULL,
    seconds      DOUBLE NOT NULL,
    findings     INTEGER NOT NULL
);
ALTER TABLE anomalies ADD COLUMN resource VARCHAR;
ALTER TABLE anomalies ADD COLUMN group_id INTEGER;
ALTER TABLE anomalies ADD COLUMN pattern VARCHAR;   -- what recurs, e.g. the query template or 'spike'
ALTER TABLE anomalies ADD COLUMN grain VARCHAR;     -- spacing of the evidence series: hour, day or week
ALTER TABLE anomalies ADD COLUMN evidence JSON;     -- examples and counts behind the explanation
CREATE TABLE anomaly_dismissals (
    detector     VARCHAR NOT NULL,
    subject_kind VARCHAR NOT NULL,
    subject      VARCHAR NOT NULL,
    pattern      VARCHAR NOT NULL,
    reason       VARCHAR NOT NULL,
    dismissed_by VARCHAR NOT NULL,
    dismissed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (detector, subject_kind, subject, pattern)
);
