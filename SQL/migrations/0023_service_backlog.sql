-- What the service's metrics report of the database's background work (issue 20;
-- docs/operations.md, "Monitoring"): the jobs waiting, by kind, with the age of the oldest,
-- and the audit rows not yet sealed into the chain. Counts and ages only, never a row's content.
-- The service cannot read either table itself (jobs are reached through their functions; audit
-- rows are insert-only for it), so these are SECURITY DEFINER.

-- The queued jobs of each of `kinds` (a kind with none answers 0), and how long the oldest has
-- waited since it was queued, in seconds (0 when none waits).
CREATE FUNCTION job_backlog(kinds text[])
RETURNS TABLE (kind text, queued bigint, oldest_seconds double precision)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    SELECT k.kind, count(j.id), coalesce(extract(epoch FROM now() - min(j.created_at)), 0)::double precision
    FROM unnest(kinds) AS k(kind) LEFT JOIN jobs j ON j.kind = k.kind AND j.status = 'queued'
    GROUP BY k.kind ORDER BY k.kind
$$;
REVOKE ALL ON FUNCTION job_backlog(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION job_backlog(text[]) TO strokepath_app;

-- Audit rows committed but not yet sealed into the hash chain (audit_seal links them every
-- second or so: a growing number means the sealer is not running).
CREATE FUNCTION audit_unsealed_rows()
RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    SELECT count(*) FROM audit_events WHERE chain_position IS NULL
$$;
REVOKE ALL ON FUNCTION audit_unsealed_rows() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_unsealed_rows() TO strokepath_app;
