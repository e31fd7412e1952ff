-- The whole InfoDash domain (see DESIGN.md). Timestamps are TIMESTAMPTZ (instants);
-- dates a person picks (follow-ups, closures) are DATE in the organisation's time zone.
-- Referential integrity is kept by the library's validation rather than FOREIGN KEY
-- clauses: DuckDB refuses updates of rows that other tables reference, which would
-- block ordinary edits such as renaming a customer group.

CREATE TABLE schema_version (
    version     INTEGER PRIMARY KEY,
    description VARCHAR NOT NULL,
    applied_at  TIMESTAMPTZ NOT NULL
);

-- Organisation-wide settings: time_zone, data_source ('demo-small', 'demo-large', 'own').
CREATE TABLE settings (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

CREATE TABLE customer_groups (
    group_id    INTEGER PRIMARY KEY,
    name        VARCHAR NOT NULL UNIQUE,
    description VARCHAR,
    sort_order  INTEGER NOT NULL DEFAULT 0
);

CREATE SEQUENCE customer_id_seq START 1;
CREATE TABLE customers (
    customer_id  INTEGER PRIMARY KEY DEFAULT nextval('customer_id_seq'),
    name         VARCHAR NOT NULL,
    email        VARCHAR,
    login        VARCHAR,              -- account name in the monitored systems
    group_id     INTEGER NOT NULL,
    department   VARCHAR NOT NULL,
    seniority    VARCHAR NOT NULL CHECK (seniority IN ('executive', 'senior', 'middle', 'staff')),
    relationship VARCHAR NOT NULL CHECK (relationship IN ('customer', 'partner', 'both')),
    active       BOOLEAN NOT NULL DEFAULT true,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE staff (
    staff_id INTEGER PRIMARY KEY,
    name     VARCHAR NOT NULL UNIQUE,
    email    VARCHAR,
    role     VARCHAR NOT NULL DEFAULT 'staff' CHECK (role IN ('staff', 'lead', 'admin')),
    active   BOOLEAN NOT NULL DEFAULT true
);

-- The service portfolio: what the team does, and what it does not (in_scope = false).
CREATE TABLE services (
    service_id      INTEGER PRIMARY KEY,
    name            VARCHAR NOT NULL UNIQUE,
    description     VARCHAR,
    value_statement VARCHAR,
    in_scope        BOOLEAN NOT NULL DEFAULT true,
    referral        VARCHAR,           -- where out-of-scope requests are sent
    active          BOOLEAN NOT NULL DEFAULT true
);

-- Business calendars: time zone, working-hour slots per weekday (0 = Monday),
-- public holidays from the `holidays` package by country/subdivision, own closures.
CREATE TABLE calendars (
    calendar_id INTEGER PRIMARY KEY,
    name        VARCHAR NOT NULL UNIQUE,
    time_zone   VARCHAR NOT NULL,
    country     VARCHAR,
    subdivision VARCHAR
);
CREATE TABLE calendar_hours (
    calendar_id INTEGER NOT NULL,
    weekday     SMALLINT NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    opens_at    TIME NOT NULL,
    closes_at   TIME NOT NULL CHECK (closes_at > opens_at)
);
CREATE TABLE calendar_closures (
    calendar_id INTEGER NOT NULL,
    day         DATE NOT NULL,
    reason      VARCHAR NOT NULL,
    PRIMARY KEY (calendar_id, day)
);

-- SLA policies are versioned by effective_from: a request is judged by the version
-- in force when it arrived. NULL selectors match everything.
CREATE TABLE sla_policies (
    policy_id   INTEGER PRIMARY KEY,
    name        VARCHAR NOT NULL UNIQUE,
    description VARCHAR
);
CREATE TABLE sla_policy_versions (
    policy_id                INTEGER NOT NULL,
    effective_from           DATE NOT NULL,
    calendar_id              INTEGER NOT NULL,
    service_id               INTEGER,
    priority                 VARCHAR,
    group_id                 INTEGER,
    first_response_seconds   INTEGER,          -- business seconds
    resolution_seconds       INTEGER,          -- business seconds
    cutoff_time              TIME,             -- "received before HH:MM: same business day"
    next_day_deadline        TIME,             -- "... otherwise by HH:MM next business day"
    primary_target_share     DOUBLE CHECK (primary_target_share BETWEEN 0 AND 1),
    hard_limit_seconds       INTEGER,          -- every request within this (business seconds)
    pause_on_customer        BOOLEAN NOT NULL DEFAULT true,
    pause_on_vendor          BOOLEAN NOT NULL DEFAULT true,
    PRIMARY KEY (policy_id, effective_from)
);

CREATE SEQUENCE request_id_seq START 1;
CREATE TABLE requests (
    request_id        BIGINT PRIMARY KEY DEFAULT nextval('request_id_seq'),
    external_ref      VARCHAR UNIQUE,          -- id in an imported service-desk export
    customer_id       INTEGER NOT NULL,
    service_id        INTEGER NOT NULL,
    channel           VARCHAR NOT NULL,
    priority          VARCHAR NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    subject           VARCHAR,
    assigned_to       VARCHAR,                 -- staff member's name
    received_at       TIMESTAMPTZ NOT NULL,
    first_response_at TIMESTAMPTZ,
    status            VARCHAR NOT NULL DEFAULT 'received' CHECK (status IN
        ('received', 'responded', 'waiting_customer', 'waiting_vendor', 'resolved', 'declined')),
    closed_at         TIMESTAMPTZ,             -- when resolved or declined
    vendor            VARCHAR,
    decline_reason    VARCHAR,
    referred_to       VARCHAR,
    created_by        VARCHAR NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Every status change, so waiting time can be derived and paused clocks computed.
CREATE TABLE request_status_history (
    request_id BIGINT NOT NULL,
    status     VARCHAR NOT NULL CHECK (status IN
        ('received', 'responded', 'waiting_customer', 'waiting_vendor', 'resolved', 'declined')),
    changed_at TIMESTAMPTZ NOT NULL,
    changed_by VARCHAR NOT NULL,
    vendor     VARCHAR,
    reason     VARCHAR,
    referral   VARCHAR,
    note       VARCHAR
);

CREATE SEQUENCE touchpoint_id_seq START 1;
CREATE TABLE touchpoints (
    touchpoint_id     BIGINT PRIMARY KEY DEFAULT nextval('touchpoint_id_seq'),
    customer_id       INTEGER NOT NULL,
    service_id        INTEGER,
    request_id        BIGINT,
    channel           VARCHAR NOT NULL,
    kind              VARCHAR NOT NULL,
    minutes           INTEGER NOT NULL CHECK (minutes >= 0),
    read_level        SMALLINT NOT NULL CHECK (read_level BETWEEN 1 AND 6),
    note              VARCHAR NOT NULL DEFAULT '',
    follow_up_on      DATE,
    follow_up_done_at TIMESTAMPTZ,
    occurred_at       TIMESTAMPTZ NOT NULL,
    created_by        VARCHAR NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ
);

-- Surveys: instruments (items per RATER dimension), waves, invitations, responses.
CREATE TABLE surveys (
    survey_id   INTEGER PRIMARY KEY,
    name        VARCHAR NOT NULL UNIQUE,
    style       VARCHAR NOT NULL CHECK (style IN ('servqual', 'libqual', 'perception')),
    scale_min   SMALLINT NOT NULL,
    scale_max   SMALLINT NOT NULL,
    asks_nps    BOOLEAN NOT NULL DEFAULT true,
    asks_csat   BOOLEAN NOT NULL DEFAULT true,
    asks_importance BOOLEAN NOT NULL DEFAULT false,
    description VARCHAR
);
CREATE TABLE survey_items (
    item_id   INTEGER PRIMARY KEY,
    survey_id INTEGER NOT NULL,
    position  SMALLINT NOT NULL,
    dimension VARCHAR NOT NULL CHECK (dimension IN
        ('reliability', 'assurance', 'tangibles', 'empathy', 'responsiveness')),
    text      VARCHAR NOT NULL
);
CREATE TABLE survey_waves (
    wave_id   INTEGER PRIMARY KEY,
    survey_id INTEGER NOT NULL,
    name      VARCHAR NOT NULL,
    opened_on DATE NOT NULL,
    closed_on DATE
);
CREATE TABLE survey_invitations (
    wave_id  INTEGER NOT NULL,
    group_id INTEGER NOT NULL,
    invited  INTEGER NOT NULL CHECK (invited >= 0),
    PRIMARY KEY (wave_id, group_id)
);
CREATE SEQUENCE response_id_seq START 1;
CREATE TABLE survey_responses (
    response_id  BIGINT PRIMARY KEY DEFAULT nextval('response_id_seq'),
    wave_id      INTEGER NOT NULL,
    group_id     INTEGER NOT NULL,            -- known even when the respondent is anonymous
    customer_id  INTEGER,                     -- NULL for anonymous responses
    request_id   BIGINT,                      -- post-request CSAT
    submitted_at TIMESTAMPTZ NOT NULL,
    nps          SMALLINT CHECK (nps BETWEEN 0 AND 10),
    csat         SMALLINT CHECK (csat BETWEEN 1 AND 5),
    comment      VARCHAR,
    source_key   VARCHAR UNIQUE               -- respondent id in an imported export
);
-- One row per answered item; which columns are filled depends on the survey style.
CREATE TABLE survey_answers (
    response_id BIGINT NOT NULL,
    item_id     INTEGER NOT NULL,
    expectation DOUBLE,
    minimum     DOUBLE,
    desired     DOUBLE,
    perception  DOUBLE,
    PRIMARY KEY (response_id, item_id)
);
CREATE TABLE survey_importance (
    response_id BIGINT NOT NULL,
    dimension   VARCHAR NOT NULL,
    points      DOUBLE NOT NULL,
    PRIMARY KEY (response_id, dimension)
);

-- The systems the team runs and their resources (subscribed databases carry a cost).
CREATE TABLE systems (
    system_id INTEGER PRIMARY KEY,
    name      VARCHAR NOT NULL UNIQUE,
    kind      VARCHAR NOT NULL
);
CREATE TABLE resources (
    system_id   INTEGER NOT NULL,
    name        VARCHAR NOT NULL,
    subscribed  BOOLEAN NOT NULL DEFAULT false,
    annual_cost DOUBLE,
    PRIMARY KEY (system_id, name)
);
-- Tens of millions of rows: no primary key (an index would slow bulk loads);
-- customer_id is NULL for logins not mapped to a customer.
CREATE TABLE usage_events (
    occurred_at TIMESTAMPTZ NOT NULL,
    system_id   INTEGER NOT NULL,
    login       VARCHAR NOT NULL,
    customer_id INTEGER,
    action      VARCHAR NOT NULL,
    resource    VARCHAR,
    query_text  VARCHAR,
    duration_ms INTEGER
);

CREATE SEQUENCE anomaly_id_seq START 1;
CREATE TABLE anomalies (
    anomaly_id       BIGINT PRIMARY KEY DEFAULT nextval('anomaly_id_seq'),
    fingerprint      VARCHAR NOT NULL UNIQUE,  -- re-running detection does not duplicate
    detector         VARCHAR NOT NULL,
    subject_kind     VARCHAR NOT NULL,         -- user, group, system, resource
    subject          VARCHAR NOT NULL,
    customer_id      INTEGER,
    system_id        INTEGER,
    window_start     TIMESTAMPTZ NOT NULL,
    window_end       TIMESTAMPTZ NOT NULL,
    observed         DOUBLE,
    expected_low     DOUBLE,
    expected_high    DOUBLE,
    score            DOUBLE,
    explanation      VARCHAR NOT NULL,
    suggested_action VARCHAR,
    status           VARCHAR NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'reviewing', 'actioned', 'dismissed')),
    reviewed_by      VARCHAR,
    reviewed_at      TIMESTAMPTZ,
    review_note      VARCHAR,
    minutes_saved    INTEGER,
    detected_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Anomalies the demo generator planted on purpose: ground truth for scoring detectors.
CREATE TABLE planted_anomalies (
    kind         VARCHAR NOT NULL,
    customer_id  INTEGER,
    system_id    INTEGER,
    resource     VARCHAR,
    window_start TIMESTAMPTZ NOT NULL,
    window_end   TIMESTAMPTZ NOT NULL,
    description  VARCHAR NOT NULL
);

CREATE SEQUENCE audit_id_seq START 1;
CREATE TABLE audit_log (
    audit_id  BIGINT PRIMARY KEY DEFAULT nextval('audit_id_seq'),
    logged_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor     VARCHAR NOT NULL,
    action    VARCHAR NOT NULL,   -- insert, update, delete, import, ...
    entity    VARCHAR NOT NULL,   -- table name
    entity_id VARCHAR,
    details   JSON
);
