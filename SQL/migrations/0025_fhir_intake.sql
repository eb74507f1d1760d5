-- What a hospital system sends is stored once (issue 22, item 3): an episode and an assessment
-- taken in from a FHIR transaction keep the identifier the sending system gave them (its
-- system and value), unique within the organisation that holds the row, so a resend finds them
-- (FHIR's conditional create, `ifNoneExist`) and creates nothing twice. Rows entered in the
-- service have none. The uniqueness is per organisation: a writer only ever learns of its own
-- organisation's rows. An episode also keeps what the sender said of it (`source_values`): a
-- resend that says the same is found even after the team has edited the episode here; one that
-- says otherwise is a conflict.
ALTER TABLE stroke_episodes
    ADD COLUMN source_system text,
    ADD COLUMN source_id text,
    ADD COLUMN source_values text CHECK (length(source_values) <= 2000),
    ADD CONSTRAINT stroke_episodes_source CHECK (
        (source_system IS NULL) = (source_id IS NULL) AND (source_system IS NULL) = (source_values IS NULL)
        AND length(source_system) BETWEEN 1 AND 200 AND length(source_id) BETWEEN 1 AND 200
        AND source_system !~ '[[:cntrl:]]' AND source_id !~ '[[:cntrl:]]');
CREATE UNIQUE INDEX stroke_episodes_source_idx ON stroke_episodes (organisation_id, source_system, source_id)
    WHERE source_system IS NOT NULL;

ALTER TABLE recovery_observations
    ADD COLUMN source_system text,
    ADD COLUMN source_id text,
    ADD CONSTRAINT recovery_observations_source CHECK (
        (source_system IS NULL) = (source_id IS NULL)
        AND length(source_system) BETWEEN 1 AND 200 AND length(source_id) BETWEEN 1 AND 200
        AND source_system !~ '[[:cntrl:]]' AND source_id !~ '[[:cntrl:]]');
CREATE UNIQUE INDEX recovery_observations_source_idx ON recovery_observations (organisation_id, source_system, source_id)
    WHERE source_system IS NOT NULL;
