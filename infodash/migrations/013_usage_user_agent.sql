-- An access log's user agent, kept with the request: it tells a person's browser from a feed reader or a
-- monitoring probe (known bots and crawlers are not loaded as use at all).
ALTER TABLE usage_events ADD COLUMN user_agent VARCHAR;
