-- An audit row may say more than its fixed fields (issue 22, item 2): a bulk export is one row,
-- and that row names its scope (the organisations asked for and every one read), its purpose's
-- legal basis and how many resources of each type left the service, not one row per resource.
-- `detail` is a JSON object; rows without it hash exactly as before, so the chain sealed so far
-- verifies unchanged, and a row with it covers it in its hash.
ALTER TABLE audit_events ADD COLUMN detail jsonb;
-- Every existing row has no detail: the check holds for them without reading the log (which a
-- validated constraint would, under the table's lock); it holds for every row written from now.
ALTER TABLE audit_events ADD CONSTRAINT audit_events_detail
    CHECK (jsonb_typeof(detail) = 'object' AND length(detail::text) <= 200000) NOT VALID;
GRANT INSERT (detail) ON audit_events TO strokepath_app;
GRANT SELECT (detail) ON audit_events TO strokepath_auditor;

CREATE OR REPLACE FUNCTION audit_canonical(e audit_events) RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT (jsonb_build_array(
        e.seq, to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        e.actor_subject, e.actor_role, e.actor_organisation_id::text, e.action::text,
        e.patient_id::text, e.resource_type, e.resource_id, e.purpose, e.outcome::text,
        e.break_glass_reason, e.request_id, host(e.client_address), e.chain_position
    ) || CASE WHEN e.detail IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(e.detail) END)::text
$$;
