-- Defence in depth (security review 2026-12: H2, M4, M5; docs/threat-model.md). Auditors
-- read only their organisations' audit rows, as their own role; the application appends
-- audit rows it can neither back-date nor pre-seal; a care relationship is granted only for
-- a patient the grantor holds; break-glass reaches only the caller's region (or a region
-- under an agreement), answers alike for an unknown and an out-of-scope patient, and is
-- counted per user.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'strokepath_auditor') THEN
        RAISE EXCEPTION 'role strokepath_auditor is missing: ops/db start creates it (NOLOGIN, granted to strokepath_app)';
    END IF;
END
$$;

-- 1. A care relationship only for a patient the grantor registered (the foreign key alone
-- ignores row-level security, so a grantor could share a patient it cannot see).
ALTER POLICY care_relationships_parties ON care_relationships
    WITH CHECK (
        granted_by = ANY (app_organisation_ids())
        AND EXISTS (
            SELECT 1 FROM patients p
            WHERE p.id = care_relationships.patient_id AND p.organisation_id = care_relationships.granted_by
        )
    );

-- 2. The application appends exactly what AuditLog.record writes: the time is the database's
-- (recorded_at's default) and the chain fields are the sealer's (audit_seal).
REVOKE INSERT ON audit_events FROM strokepath_app;
GRANT INSERT (actor_subject, actor_role, actor_organisation_id, action, patient_id, resource_type, resource_id,
              purpose, outcome, break_glass_reason, request_id, client_address)
    ON audit_events TO strokepath_app;

-- 3. Auditors read as strokepath_auditor (SET LOCAL ROLE, as reports are read as
-- strokepath_planner): the rows done by staff of the transaction's organisations and the rows
-- about those organisations' patients, without the chain's hashes. Not forced: the owner's
-- sealer, verification and the patient's own extract read every row.
ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY audit_events_append ON audit_events FOR INSERT TO strokepath_app WITH CHECK (true);
CREATE POLICY audit_events_within_organisations ON audit_events FOR SELECT TO strokepath_auditor
    USING (
        actor_organisation_id = ANY (app_organisation_ids())
        OR EXISTS (
            SELECT 1 FROM patients p
            WHERE p.id = audit_events.patient_id AND p.organisation_id = ANY (app_organisation_ids())
        )
    );
GRANT USAGE ON SCHEMA public TO strokepath_auditor;
GRANT SELECT (seq, recorded_at, actor_subject, actor_role, actor_organisation_id, action, patient_id, resource_type,
              resource_id, purpose, outcome, break_glass_reason, request_id, client_address, chain_position)
    ON audit_events TO strokepath_auditor;
-- The patients' organisation, under the patients' own policy, which consults care
-- relationships and break-glass grants (each under its own policy).
GRANT SELECT (id, organisation_id) ON patients TO strokepath_auditor;
GRANT SELECT (patient_id, organisation_id, valid_from, valid_until) ON care_relationships TO strokepath_auditor;
GRANT SELECT (patient_id, subject, valid_until) ON break_glass_grants TO strokepath_auditor;
GRANT SELECT (id, name) ON organisations TO strokepath_auditor;

-- The auditor's search is a query as strokepath_auditor now; the owner-run function trusted
-- app.role, a setting any session of the application role can set.
DROP FUNCTION audit_search(timestamptz, timestamptz, text, uuid, boolean, integer, integer);

-- A patient's access-log extract for whoever may see the patient; auditors read theirs as
-- strokepath_auditor (their organisations' patients only).
CREATE OR REPLACE FUNCTION audit_patient_extract(patient uuid, max_rows integer DEFAULT 500)
RETURNS TABLE (recorded_at timestamptz, organisation_name text, actor_role text, action text, purpose text, break_glass boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM patients p WHERE p.id = patient) THEN
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

-- 4. Break-glass within the region. The region of an organisation is the region above it.
CREATE FUNCTION organisation_region(organisation uuid) RETURNS uuid
LANGUAGE sql STABLE
AS $$
    WITH RECURSIVE up (id, parent_id, kind, depth) AS (
        SELECT o.id, o.parent_id, o.kind, 0 FROM organisations o WHERE o.id = organisation
        UNION ALL
        SELECT o.id, o.parent_id, o.kind, up.depth + 1 FROM organisations o JOIN up ON o.id = up.parent_id WHERE up.depth < 8
    )
    SELECT id FROM up WHERE kind = 'region' ORDER BY depth LIMIT 1
$$;

-- Regions whose clinicians may break the glass for this region's patients (a regional
-- agreement; kept by the database administrator, docs/threat-model.md).
CREATE TABLE break_glass_agreements (
    region_id uuid NOT NULL REFERENCES organisations (id),
    partner_region_id uuid NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (region_id, partner_region_id)
);

-- break_glass_open finds the patient's organisation as the owner, and only while it holds a
-- row of this owner-only table in its own transaction (the pattern of report_refresh_running):
-- the setting alone opens nothing.
CREATE TABLE break_glass_lookup_running (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton)
);
REVOKE ALL ON break_glass_lookup_running FROM PUBLIC;
CREATE POLICY patients_zz_break_glass_lookup ON patients FOR SELECT TO strokepath_owner
    USING ((SELECT current_setting('app.break_glass_lookup', true)) = 'on' AND (SELECT EXISTS (SELECT FROM break_glass_lookup_running)));

-- Opens the glass for the acting subject: 'granted' with the end of the grant; 'not_found'
-- alike for an unknown patient and one outside the regions of the caller's organisations and
-- their agreements (no existence oracle); 'limit' when the subject has opened per_day grants in
-- the last 24 hours. The grant acts for the first of the caller's organisations (in the order
-- the service names them) whose region reaches the patient; it is returned, for the audit row.
CREATE FUNCTION break_glass_open(patient uuid, reason text, minutes integer, per_day integer)
RETURNS TABLE (outcome text, valid_until timestamptz, acting_organisation_id uuid)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    holder uuid;
    holder_region uuid;
    acting uuid;
    used integer;
    until timestamptz;
BEGIN
    IF app_subject() IS NULL OR cardinality(app_organisation_ids()) = 0 THEN
        RAISE EXCEPTION 'break-glass needs an organisation the caller acts for' USING ERRCODE = '42501';
    END IF;
    INSERT INTO break_glass_lookup_running DEFAULT VALUES;
    PERFORM set_config('app.break_glass_lookup', 'on', true);
    SELECT p.organisation_id INTO holder FROM patients p WHERE p.id = patient;
    PERFORM set_config('app.break_glass_lookup', 'off', true);
    DELETE FROM break_glass_lookup_running;
    holder_region := organisation_region(holder);
    SELECT o.id INTO acting
    FROM unnest(app_organisation_ids()) WITH ORDINALITY AS o (id, position)
    WHERE holder_region IS NOT NULL
      AND (organisation_region(o.id) = holder_region
           OR EXISTS (SELECT 1 FROM break_glass_agreements a
                      WHERE a.region_id = holder_region AND a.partner_region_id = organisation_region(o.id)))
    ORDER BY o.position
    LIMIT 1;
    IF acting IS NULL THEN
        RETURN QUERY SELECT 'not_found'::text, NULL::timestamptz, NULL::uuid;
        RETURN;
    END IF;
    SELECT count(*) INTO used FROM break_glass_grants g WHERE g.subject = app_subject() AND g.granted_at > now() - interval '1 day';
    IF used >= per_day THEN
        RETURN QUERY SELECT 'limit'::text, NULL::timestamptz, acting;
        RETURN;
    END IF;
    INSERT INTO break_glass_grants AS g (subject, acting_organisation_id, patient_id, reason, valid_until)
    VALUES (app_subject(), acting, patient, reason, now() + make_interval(mins => minutes))
    RETURNING g.valid_until INTO until;
    RETURN QUERY SELECT 'granted'::text, until, acting;
END
$$;
REVOKE ALL ON FUNCTION break_glass_open(uuid, text, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION break_glass_open(uuid, text, integer, integer) TO strokepath_app;
-- Grants are made through break_glass_open only.
REVOKE INSERT ON break_glass_grants FROM strokepath_app;

-- 5. The fixed release of a region (docs/reporting.md) is protected over all of the region's
-- cells, whoever asks: a planner of one hospital gets the pattern a planner of the region gets.
-- The reporting code reads the region's cells through this function to work out what is
-- withheld; they are never published as such. Only for a region the caller reports for, in
-- whole or in part (one of its sites).
CREATE FUNCTION report_release_cells(region uuid) RETURNS SETOF report_cells
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    SELECT c.* FROM report_cells c
    WHERE c.region_id = region
      AND (region = ANY (app_organisation_ids())
           OR EXISTS (SELECT 1 FROM organisations o WHERE o.parent_id = region AND o.id = ANY (app_organisation_ids())))
$$;
REVOKE ALL ON FUNCTION report_release_cells(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION report_release_cells(uuid) TO strokepath_planner;

-- 6. Web sessions (review L5): the browser holds an opaque random id; the service keeps, under
-- its SHA-256 (a read of this table gives no usable cookie), who is signed in and until when.
-- Signing out deletes the row; an ended session is no session. Every instance shares them.
-- The pages' CSRF token is derived from the id, so it is bound to the session.
CREATE TABLE web_sessions (
    id_hash bytea PRIMARY KEY CHECK (length(id_hash) = 32),
    subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    name text NOT NULL CHECK (length(name) <= 200),
    role text NOT NULL,
    organisations uuid[] NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    CHECK (expires_at > created_at)
);
CREATE INDEX web_sessions_expiry_idx ON web_sessions (expires_at);
GRANT SELECT, INSERT, DELETE ON web_sessions TO strokepath_app;
