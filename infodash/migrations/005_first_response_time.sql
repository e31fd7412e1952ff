-- Business time to the first response, for its distribution on the Service levels page.
ALTER TABLE sla_results ADD COLUMN first_response_seconds BIGINT;
