-- Why a request missed its service level, recorded by the team after the fact.
ALTER TABLE requests ADD COLUMN breach_reason VARCHAR;
ALTER TABLE requests ADD COLUMN breach_note VARCHAR;
