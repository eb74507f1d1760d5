-- Who is acting, per transaction: the service sets app.subject and app.role next to
-- app.organisation_ids, transaction-local, from the verified token.
CREATE FUNCTION app_subject() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT nullif(current_setting('app.subject', true), '') $$;

CREATE FUNCTION app_role() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT nullif(current_setting('app.role', true), '') $$;

-- Break-glass: a clinician reaches a patient outside their organisations in an emergency,
-- with a stated reason, for a bounded time. The grant is personal (this subject only).
CREATE TABLE break_glass_grants (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    subject text NOT NULL,
    acting_organisation_id uuid NOT NULL REFERENCES organisations (id),
    patient_id uuid NOT NULL REFERENCES patients (id),
    reason text NOT NULL CHECK (length(btrim(reason)) BETWEEN 10 AND 500),
    granted_at timestamptz NOT NULL DEFAULT now(),
    valid_until timestamptz NOT NULL,
    CHECK (valid_until > granted_at AND valid_until <= granted_at + interval '4 hours')
);
CREATE INDEX break_glass_grants_patient_idx ON break_glass_grants (patient_id, subject);

ALTER TABLE break_glass_grants ENABLE ROW LEVEL SECURITY;
ALTER TABLE break_glass_grants FORCE ROW LEVEL SECURITY;
CREATE POLICY break_glass_own ON break_glass_grants
    USING (subject = app_subject())
    WITH CHECK (subject = app_subject() AND acting_organisation_id = ANY (app_organisation_ids()));
GRANT SELECT, INSERT ON break_glass_grants TO strokepath_app;

-- Patients: as before, plus the acting subject's current break-glass grants.
DROP POLICY patients_in_care ON patients;
CREATE POLICY patients_in_care ON patients
    USING (
        organisation_id = ANY (app_organisation_ids())
        OR in_current_care(patients.id)
        OR EXISTS (
            SELECT 1 FROM break_glass_grants g
            WHERE g.patient_id = patients.id AND g.subject = app_subject() AND g.valid_until > now()
        )
    )
    WITH CHECK (organisation_id = ANY (app_organisation_ids()));

-- Reading the audit log goes through these functions, which run with the owner's rights
-- and decide who may see what: the application role itself can only append.

-- A patient's access-log extract (PDL 8 kap. 5 §): when, which unit, what, why. For whoever
-- may see the patient, and for auditors.
CREATE FUNCTION audit_patient_extract(patient uuid, max_rows integer DEFAULT 500)
RETURNS TABLE (recorded_at timestamptz, organisation_name text, actor_role text, action text, purpose text, break_glass boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
    IF app_role() IS DISTINCT FROM 'auditor' AND NOT EXISTS (SELECT 1 FROM patients p WHERE p.id = patient) THEN
        RAISE EXCEPTION 'patient not accessible' USING ERRCODE = '42501';
    END IF;
    RETURN QUERY
        SELECT e.recorded_at, o.name, e.actor_role, e.action::text, e.purpose, e.break_glass_reason IS NOT NULL
        FROM audit_events e LEFT JOIN organisations o ON o.id = e.actor_organisation_id
        WHERE e.patient_id = patient
        ORDER BY e.recorded_at DESC, e.seq DESC
        LIMIT least(max_rows, 5000);
END
$$;

-- The auditor's query, and a random sample for the periodic spot checks (HSLF-FS 2016:40
-- 4 kap. 9 §). Auditors only.
CREATE FUNCTION audit_search(
    since timestamptz, until timestamptz, by_subject text DEFAULT NULL, for_patient uuid DEFAULT NULL,
    only_break_glass boolean DEFAULT false, sample_size integer DEFAULT NULL, max_rows integer DEFAULT 500
)
RETURNS SETOF audit_events
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
    IF app_role() IS DISTINCT FROM 'auditor' THEN
        RAISE EXCEPTION 'auditors only' USING ERRCODE = '42501';
    END IF;
    IF sample_size IS NOT NULL THEN
        RETURN QUERY
            SELECT * FROM audit_events e
            WHERE e.recorded_at >= since AND e.recorded_at < until
            ORDER BY random() LIMIT least(sample_size, 1000);
        RETURN;
    END IF;
    RETURN QUERY
        SELECT * FROM audit_events e
        WHERE e.recorded_at >= since AND e.recorded_at < until
          AND (by_subject IS NULL OR e.actor_subject = by_subject)
          AND (for_patient IS NULL OR e.patient_id = for_patient)
          AND (NOT only_break_glass OR e.break_glass_reason IS NOT NULL)
        ORDER BY e.recorded_at DESC, e.seq DESC
        LIMIT least(max_rows, 5000);
END
$$;

REVOKE ALL ON FUNCTION audit_patient_extract(uuid, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION audit_search(timestamptz, timestamptz, text, uuid, boolean, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_patient_extract(uuid, integer) TO strokepath_app;
GRANT EXECUTE ON FUNCTION audit_search(timestamptz, timestamptz, text, uuid, boolean, integer, integer) TO strokepath_app;
