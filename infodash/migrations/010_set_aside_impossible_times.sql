-- Imports before this version accepted any time a file held: '-1' became the year 2 BC, which neither
-- Python nor the service-level calendars can hold, and one such row broke every page that read it.
-- Imports now refuse times before 1990 or more than a day ahead; rows already stored with such a time
-- are moved here whole (as JSON, nothing lost), with what they belonged to, and shown to the lead so
-- that the corrected rows can be imported again.
CREATE SEQUENCE set_aside_id_seq START 1;
CREATE TABLE set_aside_rows (
    set_aside_id BIGINT PRIMARY KEY DEFAULT nextval('set_aside_id_seq'),
    table_name   VARCHAR NOT NULL,         -- where the row was
    row_key      VARCHAR,                  -- its id there (a request's id for its status changes too)
    reference    VARCHAR,                  -- the id it came with from its source, e.g. a desk's ticket number
    content      JSON NOT NULL,            -- the row as it was
    reason       VARCHAR NOT NULL,
    set_aside_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TEMP TABLE impossible_request AS
SELECT request_id FROM requests
WHERE NOT (received_at BETWEEN TIMESTAMPTZ '1990-01-01 00:00:00+00' AND now() + INTERVAL 1 DAY)
   OR NOT coalesce(first_response_at BETWEEN TIMESTAMPTZ '1990-01-01 00:00:00+00' AND now() + INTERVAL 1 DAY, true)
   OR NOT coalesce(closed_at BETWEEN TIMESTAMPTZ '1990-01-01 00:00:00+00' AND now() + INTERVAL 1 DAY, true)
UNION
SELECT request_id FROM request_status_history
WHERE NOT (changed_at BETWEEN TIMESTAMPTZ '1990-01-01 00:00:00+00' AND now() + INTERVAL 1 DAY);

INSERT INTO set_aside_rows (table_name, row_key, reference, content, reason)
SELECT 'requests', CAST(r.request_id AS VARCHAR), r.external_ref, to_json(r),
       'a time before 1990 or more than a day ahead'
FROM requests r WHERE request_id IN (SELECT request_id FROM impossible_request);
INSERT INTO set_aside_rows (table_name, row_key, content, reason)
SELECT 'request_status_history', CAST(h.request_id AS VARCHAR), to_json(h), 'its request was set aside'
FROM request_status_history h WHERE request_id IN (SELECT request_id FROM impossible_request);
DELETE FROM request_status_history WHERE request_id IN (SELECT request_id FROM impossible_request);
DELETE FROM sla_results WHERE request_id IN (SELECT request_id FROM impossible_request);
DELETE FROM requests WHERE request_id IN (SELECT request_id FROM impossible_request);
DROP TABLE impossible_request;

CREATE TEMP TABLE impossible_response AS
SELECT response_id FROM survey_responses
WHERE NOT (submitted_at BETWEEN TIMESTAMPTZ '1990-01-01 00:00:00+00' AND now() + INTERVAL 1 DAY);
INSERT INTO set_aside_rows (table_name, row_key, reference, content, reason)
SELECT 'survey_responses', CAST(r.response_id AS VARCHAR), r.source_key, to_json(r),
       'a time before 1990 or more than a day ahead'
FROM survey_responses r WHERE response_id IN (SELECT response_id FROM impossible_response);
INSERT INTO set_aside_rows (table_name, row_key, content, reason)
SELECT 'survey_answers', CAST(a.response_id AS VARCHAR), to_json(a), 'its response was set aside'
FROM survey_answers a WHERE response_id IN (SELECT response_id FROM impossible_response);
INSERT INTO set_aside_rows (table_name, row_key, content, reason)
SELECT 'survey_importance', CAST(i.response_id AS VARCHAR), to_json(i), 'its response was set aside'
FROM survey_importance i WHERE response_id IN (SELECT response_id FROM impossible_response);
DELETE FROM survey_answers WHERE response_id IN (SELECT response_id FROM impossible_response);
DELETE FROM survey_importance WHERE response_id IN (SELECT response_id FROM impossible_response);
DELETE FROM survey_responses WHERE response_id IN (SELECT response_id FROM impossible_response);
DROP TABLE impossible_response;

INSERT INTO set_aside_rows (table_name, row_key, content, reason)
SELECT 'touchpoints', CAST(t.touchpoint_id AS VARCHAR), to_json(t), 'a time before 1990 or more than a day ahead'
FROM touchpoints t
WHERE NOT (occurred_at BETWEEN TIMESTAMPTZ '1990-01-01 00:00:00+00' AND now() + INTERVAL 1 DAY);
DELETE FROM touchpoints
WHERE NOT (occurred_at BETWEEN TIMESTAMPTZ '1990-01-01 00:00:00+00' AND now() + INTERVAL 1 DAY);

INSERT INTO set_aside_rows (table_name, row_key, content, reason)
SELECT 'usage_events', NULL, to_json(e), 'a time before 1990 or more than a day ahead'
FROM usage_events e
WHERE NOT (occurred_at BETWEEN TIMESTAMPTZ '1990-01-01 00:00:00+00' AND now() + INTERVAL 1 DAY);
DELETE FROM usage_events
WHERE NOT (occurred_at BETWEEN TIMESTAMPTZ '1990-01-01 00:00:00+00' AND now() + INTERVAL 1 DAY);
