-- A survey's items keep the code a forms tool heads their columns with (q4 is the item coded q4, wherever it
-- stands in the survey), and an answer may carry the importance the respondent gave that item.
ALTER TABLE survey_items ADD COLUMN code VARCHAR;
UPDATE survey_items SET code = 'q' || position;
ALTER TABLE survey_answers ADD COLUMN importance DOUBLE;
