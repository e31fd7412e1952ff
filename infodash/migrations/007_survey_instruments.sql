-- Surveys as stored instruments: which survey collects post-request feedback, how many
-- importance points a respondent shares over the five dimensions, and who keyed in a
-- response from paper or an interview.
ALTER TABLE surveys ADD COLUMN post_request BOOLEAN DEFAULT false;
ALTER TABLE surveys ADD COLUMN importance_points SMALLINT DEFAULT 100;
ALTER TABLE survey_responses ADD COLUMN entered_by VARCHAR;
UPDATE surveys SET post_request = true WHERE style = 'perception' AND asks_csat AND NOT asks_nps
    AND NOT EXISTS (SELECT 1 FROM survey_items i WHERE i.survey_id = surveys.survey_id);
