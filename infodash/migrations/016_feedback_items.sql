-- Complaints, compliments and suggestions (issue 16): each becomes a feedback item that is received,
-- acknowledged and resolved, with the response given and when the customer was told the outcome.
-- ``source`` says where it came in (a touchpoint, a request, a survey comment, the public form, or a
-- staff entry) and ``source_id`` the record it came from. A public submission whose e-mail matches the
-- customer directory is linked to that customer; ``contact_email`` keeps the address given so the team can
-- reply. Every status change is kept in feedback_status_history (and in the audit log).
CREATE SEQUENCE feedback_id_seq START 1;
CREATE TABLE feedback_items (
    feedback_id      BIGINT PRIMARY KEY DEFAULT nextval('feedback_id_seq'),
    kind             VARCHAR NOT NULL CHECK (kind IN ('complaint', 'compliment', 'suggestion')),
    category         VARCHAR NOT NULL,
    severity         VARCHAR CHECK (severity IN ('low', 'medium', 'high')),
    service_id       INTEGER,
    customer_id      INTEGER,
    contact_email    VARCHAR,
    description      VARCHAR NOT NULL,
    owner            VARCHAR,
    status           VARCHAR NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'acknowledged', 'resolved')),
    received_at      TIMESTAMPTZ NOT NULL,
    acknowledged_at  TIMESTAMPTZ,
    resolved_at      TIMESTAMPTZ,
    response         VARCHAR,
    customer_told_at TIMESTAMPTZ,
    source           VARCHAR NOT NULL CHECK (source IN ('touchpoint', 'request', 'survey', 'public_form', 'staff')),
    source_id        BIGINT,
    created_by       VARCHAR NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX feedback_items_received ON feedback_items (received_at);
CREATE INDEX feedback_items_customer ON feedback_items (customer_id);
CREATE TABLE feedback_status_history (
    feedback_id BIGINT NOT NULL,
    status      VARCHAR NOT NULL,
    changed_at  TIMESTAMPTZ NOT NULL,
    changed_by  VARCHAR NOT NULL,
    note        VARCHAR
);
CREATE INDEX feedback_status_history_item ON feedback_status_history (feedback_id);
