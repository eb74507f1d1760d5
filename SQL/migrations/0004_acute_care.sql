-- Acute care: the time stamps of an episode (door-to-needle and door-to-groin derived from
-- them), each organisation's guideline profile, and every acute evaluation stored with its
-- full input and output, profile and protocol version, who asked and when — so any past
-- recommendation can be shown exactly as it was given.

-- The guideline profile an organisation's acute evaluations use unless a request names one.
-- The service checks the name against Protocols/acute/profiles.json.
ALTER TABLE organisations
    ADD COLUMN acute_profile text NOT NULL DEFAULT 'aha-2019' CHECK (acute_profile ~ '^[a-z0-9-]{1,40}$');
GRANT UPDATE (acute_profile) ON organisations TO strokepath_app;

CREATE TYPE mtici_grade AS ENUM ('0', '1', '2a', '2b', '2c', '3');

-- Whole minutes from one time stamp to another (NULL when either is missing).
CREATE FUNCTION minutes_between(from_time timestamptz, to_time timestamptz) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT round(extract(epoch FROM (to_time - from_time)) / 60)::integer $$;

ALTER TABLE stroke_episodes
    ADD COLUMN imaging_at timestamptz,
    ADD COLUMN needle_at timestamptz,
    ADD COLUMN thrombolytic text CHECK (thrombolytic IN ('alteplase', 'tenecteplase')),
    ADD COLUMN groin_puncture_at timestamptz,
    ADD COLUMN reperfusion_at timestamptz,
    ADD COLUMN mtici mtici_grade,
    ADD COLUMN door_to_imaging_min integer GENERATED ALWAYS AS (minutes_between(arrival_at, imaging_at)) STORED,
    ADD COLUMN door_to_needle_min integer GENERATED ALWAYS AS (minutes_between(arrival_at, needle_at)) STORED,
    ADD COLUMN door_to_groin_min integer GENERATED ALWAYS AS (minutes_between(arrival_at, groin_puncture_at)) STORED,
    ADD COLUMN onset_to_needle_min integer GENERATED ALWAYS AS (minutes_between(last_known_well, needle_at)) STORED,
    ADD COLUMN onset_to_groin_min integer GENERATED ALWAYS AS (minutes_between(last_known_well, groin_puncture_at)) STORED,
    -- Nothing happens before the patient was last known well; reperfusion follows puncture.
    ADD CONSTRAINT stroke_episodes_times_after_lkw CHECK (
        last_known_well IS NULL OR (
            (imaging_at IS NULL OR imaging_at >= last_known_well)
            AND (needle_at IS NULL OR needle_at >= last_known_well)
            AND (groin_puncture_at IS NULL OR groin_puncture_at >= last_known_well)
            AND (reperfusion_at IS NULL OR reperfusion_at >= last_known_well)
        )
    ),
    ADD CONSTRAINT stroke_episodes_reperfusion_after_puncture CHECK (
        reperfusion_at IS NULL OR groin_puncture_at IS NULL OR reperfusion_at >= groin_puncture_at
    ),
    ADD CONSTRAINT stroke_episodes_thrombolytic_with_needle CHECK ((thrombolytic IS NULL) OR (needle_at IS NOT NULL)),
    ADD CONSTRAINT stroke_episodes_mtici_with_puncture CHECK (mtici IS NULL OR groin_puncture_at IS NOT NULL);

-- Every acute evaluation, as given: append-only for the application.
CREATE TABLE acute_evaluations (
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    id uuid PRIMARY KEY,
    episode_id uuid REFERENCES stroke_episodes (id),
    patient_id uuid REFERENCES patients (id),
    evaluated_at timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    evaluated_by text NOT NULL CHECK (length(evaluated_by) BETWEEN 1 AND 200),
    evaluator_role text NOT NULL,
    profile text NOT NULL,
    protocol_version text NOT NULL,
    outcome_model text NOT NULL,
    -- json, not jsonb: kept byte for byte as given.
    input json NOT NULL,
    output json NOT NULL,
    ivt_status text NOT NULL,
    evt_recommendation text NOT NULL,
    request_id text,
    -- Written from the local spool after the database was unreachable.
    via_spool boolean NOT NULL DEFAULT false,
    CHECK ((episode_id IS NULL) = (patient_id IS NULL))
);
-- Answers are a few kilobytes of JSON: lz4 compresses them at a fraction of pglz's cost.
ALTER TABLE acute_evaluations ALTER COLUMN input SET COMPRESSION lz4, ALTER COLUMN output SET COMPRESSION lz4;
CREATE INDEX acute_evaluations_episode_idx ON acute_evaluations (episode_id, evaluated_at);
CREATE INDEX acute_evaluations_org_idx ON acute_evaluations (organisation_id, evaluated_at);

ALTER TABLE acute_evaluations ENABLE ROW LEVEL SECURITY;
ALTER TABLE acute_evaluations FORCE ROW LEVEL SECURITY;
CREATE POLICY acute_evaluations_in_care ON acute_evaluations
    USING (
        organisation_id = ANY (app_organisation_ids())
        OR (patient_id IS NOT NULL AND EXISTS (SELECT 1 FROM patients p WHERE p.id = acute_evaluations.patient_id))
    )
    WITH CHECK (
        organisation_id = ANY (app_organisation_ids())
        AND (patient_id IS NULL OR EXISTS (SELECT 1 FROM patients p WHERE p.id = acute_evaluations.patient_id))
    );
GRANT SELECT, INSERT ON acute_evaluations TO strokepath_app;
