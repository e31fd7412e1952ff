-- What each request looked like when it was judged, so only changed requests are judged again.
ALTER TABLE sla_results ADD COLUMN signature UBIGINT;
