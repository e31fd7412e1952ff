-- Who may sign in, with which role. A local account has a password hash (argon2); an account
-- without one signs in only through the organisation's identity provider. E-mails are stored
-- lower-case and kept unique by the library (DuckDB cannot update a row's other columns freely
-- under a unique index while it is referenced, and nothing should reference a sign-in).
CREATE SEQUENCE account_id_seq START 1;
CREATE TABLE accounts (
    account_id      INTEGER PRIMARY KEY DEFAULT nextval('account_id_seq'),
    email           VARCHAR NOT NULL,
    name            VARCHAR NOT NULL,
    role            VARCHAR NOT NULL CHECK (role IN ('viewer', 'staff', 'lead')),
    password_hash   VARCHAR,
    disabled        BOOLEAN NOT NULL DEFAULT false,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TIMESTAMPTZ,
    last_sign_in_at TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
