-- Why each claim field was chosen (issue 15): the cue words behind event, certainty and source, as JSON
-- {"event": [...], "certainty": [...], "source": [...]}; NULL for claims stored before this column existed.
ALTER TABLE claims ADD COLUMN why JSON;
