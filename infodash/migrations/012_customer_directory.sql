-- Customers as a directory or HR export gives them: the id the organisation knows them by (an employee
-- number), and where each record came from, so that a re-imported directory marks inactive only the
-- people it once listed and no longer does (not the callers a desk export brought in).
ALTER TABLE customers ADD COLUMN external_id VARCHAR;
ALTER TABLE customers ADD COLUMN source VARCHAR;  -- 'directory', 'request import', 'demo'; NULL: entered by hand
UPDATE customers SET source = 'request import' WHERE department = '(imported)';
