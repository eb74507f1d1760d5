-- What the service's metrics report of the database's background work (issue 20;
-- docs/operations.md, "Monitoring"): the jobs waiting, by kind, with the age of the oldest,
-- and the audit rows not yet sealed into the chain. Counts and ages only, never a row's content.
-- The service cannot read either table itself (jobs are reached through their functions; audit
-- rows are insert-only for it), so these are SECURITY DEFINER.

-- The queued jobs of each of `kinds` (a kind with none answers 0), and how long the longest-
-- waiting job that could run has waited, in seconds (0 when none): a queued job since it became
-- due (a retry's wait is not waiting), a running one whose lease expired (its instance died)
-- since the lease ran out.
CREATE FUNCTION job_backlog(kinds text[])
RETURNS TABLE (kind text, queued bigint, oldest_seconds double precision)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    SELECT k.kind,
           count(j.id) FILTER (WHERE j.status = 'queued'),
           coalesce(extract(epoch FROM now() - min(
               CASE WHEN j.status = 'queued' AND j.run_after <= now() THEN j.run_after
                    WHEN j.status = 'running' AND j.lease_until < now() THEN j.lease_until END)), 0)::double precision
    FROM unnest(kinds) AS k(kind) LEFT JOIN jobs j ON j.kind = k.kind AND j.status IN ('queued', 'running')
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
