-- Organisation isolation by row-level security, care relationships across organisations,
-- and the append-only, hash-chained audit log.

-- The organisations the current transaction acts for. The service sets it per transaction
-- only: SELECT set_config('app.organisation_ids', '{uuid,...}', true). Unset or empty means
-- no organisation, so every patient policy below sees no rows (fail closed).
CREATE FUNCTION app_organisation_ids() RETURNS uuid[]
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT coalesce(nullif(current_setting('app.organisation_ids', true), '')::uuid[], '{}'::uuid[]) $$;

-- A patient is visible to the organisation that registered them and to organisations with a
-- current care relationship: a transfer from a hospital to a rehabilitation clinic is an
-- explicit row here, granted by an organisation that can see the patient.
CREATE TABLE care_relationships (
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    patient_id uuid NOT NULL REFERENCES patients (id),
    granted_by uuid NOT NULL REFERENCES organisations (id),
    kind text NOT NULL CHECK (kind IN ('transfer', 'shared_care', 'consultation')),
    valid_from timestamptz NOT NULL DEFAULT now(),
    valid_until timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation_id, patient_id, valid_from),
    CHECK (valid_until IS NULL OR valid_until > valid_from),
    CHECK (organisation_id <> granted_by)
);
CREATE INDEX care_relationships_patient_idx ON care_relationships (patient_id, organisation_id);

ALTER TABLE care_relationships ENABLE ROW LEVEL SECURITY;
ALTER TABLE care_relationships FORCE ROW LEVEL SECURITY;
CREATE POLICY care_relationships_parties ON care_relationships
    USING (organisation_id = ANY (app_organisation_ids()) OR granted_by = ANY (app_organisation_ids()))
    WITH CHECK (granted_by = ANY (app_organisation_ids()));

-- True when one of the acting organisations has a current care relationship with the patient
-- (read under the caller's row-level security, like the policies that use it).
CREATE FUNCTION in_current_care(patient uuid) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT EXISTS (
        SELECT 1 FROM care_relationships c
        WHERE c.patient_id = patient
          AND c.organisation_id = ANY (app_organisation_ids())
          AND c.valid_from <= now() AND (c.valid_until IS NULL OR c.valid_until > now())
    )
$$;

ALTER TABLE patients ENABLE ROW LEVEL SECURITY;
ALTER TABLE patients FORCE ROW LEVEL SECURITY;
CREATE POLICY patients_in_care ON patients
    USING (
        organisation_id = ANY (app_organisation_ids())
        OR in_current_care(patients.id)
    )
    WITH CHECK (organisation_id = ANY (app_organisation_ids()));

-- An episode is visible to whoever may see its patient; it is written by the treating
-- organisation only.
ALTER TABLE stroke_episodes ENABLE ROW LEVEL SECURITY;
ALTER TABLE stroke_episodes FORCE ROW LEVEL SECURITY;
CREATE POLICY stroke_episodes_in_care ON stroke_episodes
    USING (EXISTS (SELECT 1 FROM patients p WHERE p.id = stroke_episodes.patient_id))
    WITH CHECK (
        organisation_id = ANY (app_organisation_ids())
        AND EXISTS (SELECT 1 FROM patients p WHERE p.id = stroke_episodes.patient_id)
    );

GRANT SELECT, INSERT, UPDATE ON care_relationships TO strokepath_app;

-- The audit log: one row per access to patient data (HSLF-FS 2016:40 4 kap. 9 §: which
-- action, at which unit, when, which user, which patient; HIPAA §164.312(b)). The
-- application may only INSERT. A single sealer (audit_seal) links rows into a SHA-256
-- chain in the order it seals them, so an edited, inserted or deleted row breaks the chain.
CREATE TYPE audit_action AS ENUM ('create', 'read', 'update', 'delete', 'export', 'search');
CREATE TYPE audit_outcome AS ENUM ('success', 'denied', 'failed');

CREATE TABLE audit_events (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor_subject text NOT NULL CHECK (length(actor_subject) BETWEEN 1 AND 200),
    actor_role text NOT NULL,
    actor_organisation_id uuid REFERENCES organisations (id),
    action audit_action NOT NULL,
    patient_id uuid,
    resource_type text NOT NULL,
    resource_id text,
    purpose text NOT NULL,
    outcome audit_outcome NOT NULL,
    break_glass_reason text,
    request_id text,
    client_address inet,
    -- Set by audit_seal, never by the application.
    chain_position bigint UNIQUE,
    previous_hash bytea,
    hash bytea,
    CHECK ((chain_position IS NULL) = (hash IS NULL))
);
CREATE INDEX audit_events_patient_idx ON audit_events (patient_id, recorded_at);
CREATE INDEX audit_events_unsealed_idx ON audit_events (seq) WHERE chain_position IS NULL;

GRANT INSERT ON audit_events TO strokepath_app;

-- The text a row's hash covers: every recorded field in a fixed order, as a JSON array,
-- timestamps in UTC, so the same row gives the same text in any session.
CREATE FUNCTION audit_canonical(e audit_events) RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT jsonb_build_array(
        e.seq, to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        e.actor_subject, e.actor_role, e.actor_organisation_id::text, e.action::text,
        e.patient_id::text, e.resource_type, e.resource_id, e.purpose, e.outcome::text,
        e.break_glass_reason, e.request_id, host(e.client_address), e.chain_position
    )::text
$$;

-- Seals committed, unsealed rows in sequence order, continuing the chain. One sealer at a
-- time (advisory lock); returns how many rows it sealed. Runs with the owner's rights so the
-- application role needs no UPDATE on the log.
CREATE FUNCTION audit_seal(max_rows integer DEFAULT 10000) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    head_position bigint;
    head_hash bytea;
    event audit_events;
    sealed integer := 0;
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('strokepath.audit_seal')) THEN
        RETURN 0;
    END IF;
    SELECT chain_position, hash INTO head_position, head_hash
    FROM audit_events WHERE chain_position IS NOT NULL ORDER BY chain_position DESC LIMIT 1;
    head_position := coalesce(head_position, 0);
    FOR event IN
        SELECT * FROM audit_events WHERE chain_position IS NULL ORDER BY seq LIMIT max_rows FOR UPDATE
    LOOP
        head_position := head_position + 1;
        event.chain_position := head_position;
        event.previous_hash := head_hash;
        head_hash := sha256(coalesce(head_hash, ''::bytea) || convert_to(audit_canonical(event), 'UTF8'));
        UPDATE audit_events
        SET chain_position = head_position, previous_hash = event.previous_hash, hash = head_hash
        WHERE seq = event.seq;
        sealed := sealed + 1;
    END LOOP;
    RETURN sealed;
END
$$;
REVOKE ALL ON FUNCTION audit_seal(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_seal(integer) TO strokepath_app;
