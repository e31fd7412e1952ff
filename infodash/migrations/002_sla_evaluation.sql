-- Working-hour slots of each calendar as instants, with the business seconds before each slot:
-- SQL turns any instant into "business seconds since the calendar's start" with an ASOF JOIN,
-- so business durations and due times of a million requests are a few joins.
CREATE TABLE calendar_slots (
    calendar_id    INTEGER NOT NULL,
    day            DATE NOT NULL,          -- the local working day the slot belongs to
    opens          TIMESTAMPTZ NOT NULL,
    closes         TIMESTAMPTZ NOT NULL,
    seconds_before BIGINT NOT NULL
);

-- The service-level verdict on each request, kept so pages do not recompute it on every view.
CREATE TABLE sla_results (
    request_id          BIGINT PRIMARY KEY,
    policy_id           INTEGER NOT NULL,
    effective_from      DATE NOT NULL,     -- the policy version that judged it
    calendar_id         INTEGER NOT NULL,
    due_at              TIMESTAMPTZ NOT NULL,
    due_seconds         BIGINT NOT NULL,   -- due_at on the calendar's business-second scale
    allowed_seconds     BIGINT NOT NULL,   -- business time the target allows, pauses included
    hard_due_at         TIMESTAMPTZ,
    first_response_due_at TIMESTAMPTZ,
    first_response_met  BOOLEAN,
    business_seconds    BIGINT,            -- business time taken, pauses excluded (to resolution or as of)
    paused_seconds      BIGINT NOT NULL,
    margin_seconds      BIGINT,            -- target minus actual, in business seconds
    outcome             VARCHAR NOT NULL CHECK (outcome IN
        ('met', 'breached', 'open_on_track', 'open_at_risk', 'open_breached', 'declined')),
    within_hard_limit   BOOLEAN
);

CREATE TABLE sla_evaluations (
    evaluated_at TIMESTAMPTZ NOT NULL,
    as_of        TIMESTAMPTZ NOT NULL,
    fingerprint  VARCHAR NOT NULL,         -- what the requests, history and policies looked like
    requests     BIGINT NOT NULL,
    seconds      DOUBLE NOT NULL
);
