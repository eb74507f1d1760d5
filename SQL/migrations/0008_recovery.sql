-- Recovery projection (issue 7): the outcome observations a patient's recovery curve is
-- fitted to, therapy given elsewhere (the clinic's own attended sessions are counted from
-- rehab_participants), and each organisation's cached fit of a patient with its accepted
-- parameter sets, kept with the exact inputs it was computed from.

-- An assessment: FM-UE (fitted), NIHSS, mRS and Barthel (shown, NIHSS also for PREP2),
-- SAFE and MEP status (PREP2). Visible to whoever may see the patient, written by the
-- assessing organisation; never deleted, withdrawn with a reason when entered in error.
CREATE TABLE recovery_observations (
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    patient_id uuid NOT NULL REFERENCES patients (id),
    instrument text NOT NULL CHECK (instrument IN ('FM-UE', 'NIHSS', 'mRS', 'Barthel', 'SAFE', 'MEP')),
    observed_at timestamptz NOT NULL,
    value integer NOT NULL,
    rater text NOT NULL CHECK (length(rater) BETWEEN 1 AND 200),
    note text CHECK (length(note) BETWEEN 1 AND 500),
    recorded_by text NOT NULL CHECK (length(recorded_by) BETWEEN 1 AND 200),
    recorded_at timestamptz NOT NULL DEFAULT now(),
    withdrawn_at timestamptz,
    withdrawn_by text CHECK (length(withdrawn_by) BETWEEN 1 AND 200),
    withdraw_reason text CHECK (length(withdraw_reason) BETWEEN 1 AND 500),
    CHECK ((withdrawn_at IS NULL) = (withdrawn_by IS NULL) AND (withdrawn_at IS NULL) = (withdraw_reason IS NULL)),
    -- Each instrument's own scale (Barthel 0-100 in steps of 5; MEP 1 present, 0 absent).
    CONSTRAINT recovery_observations_scale CHECK (CASE instrument
        WHEN 'FM-UE' THEN value BETWEEN 0 AND 66
        WHEN 'NIHSS' THEN value BETWEEN 0 AND 42
        WHEN 'mRS' THEN value BETWEEN 0 AND 6
        WHEN 'Barthel' THEN value BETWEEN 0 AND 100 AND value % 5 = 0
        WHEN 'SAFE' THEN value BETWEEN 0 AND 10
        ELSE value IN (0, 1) END)
);
CREATE INDEX recovery_observations_patient_idx ON recovery_observations (patient_id, observed_at);

-- Therapy a patient was given elsewhere, entered by hand: minutes a day of one model input
-- over whole days. Two entries of one input on one day would contradict each other.
CREATE TABLE recovery_therapy_elsewhere (
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    patient_id uuid NOT NULL REFERENCES patients (id),
    model_input text NOT NULL CHECK (model_input IN ('PT', 'OT', 'SLP', 'BAL')),
    first_day date NOT NULL,
    last_day date NOT NULL CHECK (last_day >= first_day),
    minutes_per_day integer NOT NULL CHECK (minutes_per_day BETWEEN 1 AND 480),
    place text NOT NULL CHECK (length(place) BETWEEN 1 AND 200),
    entered_by text NOT NULL CHECK (length(entered_by) BETWEEN 1 AND 200),
    entered_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT recovery_therapy_elsewhere_one_dose EXCLUDE USING gist (
        patient_id WITH =, model_input WITH =, daterange(first_day, last_day, '[]') WITH &&)
);

-- An organisation's latest projection of a patient: the canonical inputs it was computed
-- from (observations, therapy per day, reperfusion, class, model and parameter versions) —
-- a request whose inputs differ (a new observation, an attended or booked session) refits —
-- the result as served, and the accepted parameter sets (z and cost, five numbers each)
-- for what-if questions.
CREATE TABLE recovery_projections (
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    patient_id uuid NOT NULL REFERENCES patients (id),
    inputs text NOT NULL,
    result jsonb NOT NULL,
    accepted_sets float8[] NOT NULL,
    computed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation_id, patient_id)
);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['recovery_observations', 'recovery_therapy_elsewhere'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I USING (EXISTS (SELECT 1 FROM patients p WHERE p.id = %I.patient_id))
                        WITH CHECK (organisation_id = ANY (app_organisation_ids())
                                    AND EXISTS (SELECT 1 FROM patients p WHERE p.id = %I.patient_id))', t || '_in_care', t, t, t);
        EXECUTE format('GRANT SELECT, INSERT ON %I TO strokepath_app', t);
    END LOOP;
END
$$;
GRANT UPDATE (withdrawn_at, withdrawn_by, withdraw_reason) ON recovery_observations TO strokepath_app;

ALTER TABLE recovery_projections ENABLE ROW LEVEL SECURITY;
ALTER TABLE recovery_projections FORCE ROW LEVEL SECURITY;
CREATE POLICY recovery_projections_own ON recovery_projections
    USING (organisation_id = ANY (app_organisation_ids()) AND EXISTS (SELECT 1 FROM patients p WHERE p.id = recovery_projections.patient_id))
    WITH CHECK (organisation_id = ANY (app_organisation_ids()) AND EXISTS (SELECT 1 FROM patients p WHERE p.id = recovery_projections.patient_id));
GRANT SELECT, INSERT, UPDATE ON recovery_projections TO strokepath_app;
