-- The database itself refuses a request for a service that does not exist and a customer in a group that
-- does not exist (imports once wrote both, and pages then hid those rows). DuckDB adds a FOREIGN KEY only
-- with the table, so the four tables are made again with their rows.
--
-- Which references, and why not the others: DuckDB refuses to change an indexed column (a key, a UNIQUE
-- or a FOREIGN KEY column) of a row that another table references. So names lose their UNIQUE clause
-- (a group or service must stay renamable; the library keeps names unique, ignoring case), and nothing
-- references customers or requests: a customer must be able to move to another group, which changes
-- their FOREIGN KEY column. The other references stay kept by the library's checks. (A table others
-- depend on cannot be renamed either: the old tables move aside, the new ones take their names.)

-- Rows that point at nothing get what they point at, under a name that asks to be replaced: their
-- history is kept and the lead names the service or group on its setup page.
INSERT INTO services (service_id, name, description)
SELECT DISTINCT service_id, 'Service ' || service_id || ' (found on upgrade: give it its name)',
       'Requests were imported for this service before it was set up.'
FROM requests WHERE service_id NOT IN (SELECT service_id FROM services);
INSERT INTO customer_groups (group_id, name, description, sort_order)
SELECT DISTINCT group_id, 'Customer group ' || group_id || ' (found on upgrade: give it its name)',
       'Customers were imported into this group before it was set up.', 1000 + group_id
FROM customers WHERE group_id NOT IN (SELECT group_id FROM customer_groups);

ALTER TABLE customer_groups RENAME TO customer_groups_before_011;
ALTER TABLE services RENAME TO services_before_011;
ALTER TABLE customers RENAME TO customers_before_011;
ALTER TABLE requests RENAME TO requests_before_011;

CREATE TABLE customer_groups (
    group_id    INTEGER PRIMARY KEY,
    name        VARCHAR NOT NULL,
    description VARCHAR,
    sort_order  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO customer_groups SELECT group_id, name, description, sort_order FROM customer_groups_before_011;

CREATE TABLE services (
    service_id      INTEGER PRIMARY KEY,
    name            VARCHAR NOT NULL,
    description     VARCHAR,
    value_statement VARCHAR,
    in_scope        BOOLEAN NOT NULL DEFAULT true,
    referral        VARCHAR,
    active          BOOLEAN NOT NULL DEFAULT true
);
INSERT INTO services
SELECT service_id, name, description, value_statement, in_scope, referral, active FROM services_before_011;

CREATE TABLE customers (
    customer_id  INTEGER PRIMARY KEY DEFAULT nextval('customer_id_seq'),
    name         VARCHAR NOT NULL,
    email        VARCHAR,
    login        VARCHAR,
    group_id     INTEGER NOT NULL REFERENCES customer_groups (group_id),
    department   VARCHAR NOT NULL,
    seniority    VARCHAR NOT NULL CHECK (seniority IN ('executive', 'senior', 'middle', 'staff')),
    relationship VARCHAR NOT NULL CHECK (relationship IN ('customer', 'partner', 'both')),
    active       BOOLEAN NOT NULL DEFAULT true,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO customers
SELECT customer_id, name, email, login, group_id, department, seniority, relationship, active, created_at
FROM customers_before_011;

CREATE TABLE requests (
    request_id        BIGINT PRIMARY KEY DEFAULT nextval('request_id_seq'),
    external_ref      VARCHAR UNIQUE,
    customer_id       INTEGER NOT NULL,
    service_id        INTEGER NOT NULL REFERENCES services (service_id),
    channel           VARCHAR NOT NULL,
    priority          VARCHAR NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    subject           VARCHAR,
    assigned_to       VARCHAR,
    received_at       TIMESTAMPTZ NOT NULL,
    first_response_at TIMESTAMPTZ,
    status            VARCHAR NOT NULL DEFAULT 'received' CHECK (status IN
        ('received', 'responded', 'waiting_customer', 'waiting_vendor', 'resolved', 'declined')),
    closed_at         TIMESTAMPTZ,
    vendor            VARCHAR,
    decline_reason    VARCHAR,
    referred_to       VARCHAR,
    created_by        VARCHAR NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    breach_reason     VARCHAR,
    breach_note       VARCHAR
);
INSERT INTO requests
SELECT request_id, external_ref, customer_id, service_id, channel, priority, subject, assigned_to, received_at,
       first_response_at, status, closed_at, vendor, decline_reason, referred_to, created_by, created_at,
       breach_reason, breach_note
FROM requests_before_011;

DROP TABLE requests_before_011;
DROP TABLE customers_before_011;
DROP TABLE services_before_011;
DROP TABLE customer_groups_before_011;
