-- Durable background work (issue 19; docs/operations.md, "High availability"). A long job —
-- a weekly plan's solve today — is a row here, not an entry in one process's memory: any
-- instance claims it (FOR UPDATE SKIP LOCKED, so two never claim one job) and holds it with a
-- lease it renews while it works; a job whose worker died is claimed again once its lease
-- has expired, by a restarted server or another instance. Each claim counts an attempt; a job
-- claimed more often than its attempts allow was left by that many dead workers and is given
-- up (failed, with its reason). The statuses and their arrows are Storage's `JobStatus`.
--
-- A job acts as whoever queued it: the enqueuing transaction's subject, role and
-- organisations are copied from its settings, not taken from the caller, so a job can never
-- do more than its author could at the time (a job runs for minutes; access revoked meanwhile
-- is not taken back from it). The table is the owner's; the service reaches it only through
-- the functions below.
CREATE TABLE jobs (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind text NOT NULL CHECK (kind ~ '^[a-z_]{1,40}$'),
    -- The row the job works on (a plan), and the job's own parameters.
    target_id uuid NOT NULL,
    parameters jsonb NOT NULL CHECK (jsonb_typeof(parameters) = 'object'),
    acting_subject text NOT NULL CHECK (length(acting_subject) BETWEEN 1 AND 200),
    acting_role text NOT NULL CHECK (length(acting_role) BETWEEN 1 AND 40),
    acting_organisations uuid[] NOT NULL CHECK (cardinality(acting_organisations) >= 1),
    status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts integer NOT NULL CHECK (max_attempts BETWEEN 1 AND 10),
    -- Every statement the job runs is limited to this (SET LOCAL statement_timeout).
    statement_timeout_ms integer NOT NULL CHECK (statement_timeout_ms BETWEEN 100 AND 3600000),
    run_after timestamptz NOT NULL DEFAULT now(),
    lease_owner text CHECK (length(lease_owner) BETWEEN 1 AND 200),
    lease_until timestamptz,
    error text CHECK (length(error) <= 500),
    created_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz,
    finished_at timestamptz,
    CHECK ((status = 'running') = (lease_owner IS NOT NULL AND lease_until IS NOT NULL)),
    CHECK ((status IN ('done', 'failed')) = (finished_at IS NOT NULL))
);
CREATE INDEX jobs_ready_idx ON jobs (run_after) WHERE status IN ('queued', 'running');
CREATE INDEX jobs_target_idx ON jobs (target_id);
REVOKE ALL ON jobs FROM PUBLIC;

-- Queues a job acting as the current transaction's actor, who must act for `organisation`.
CREATE FUNCTION job_enqueue(kind text, organisation uuid, target uuid, parameters jsonb, max_attempts integer, statement_timeout_ms integer)
RETURNS uuid
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    id uuid;
BEGIN
    IF organisation IS NULL OR NOT organisation = ANY (app_organisation_ids()) THEN
        RAISE EXCEPTION 'a job may only be queued for an organisation the caller acts for' USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- Finished jobs are kept 30 days (what became of a solve), then forgotten.
    DELETE FROM jobs WHERE finished_at < now() - interval '30 days';
    INSERT INTO jobs (kind, target_id, parameters, acting_subject, acting_role, acting_organisations, max_attempts, statement_timeout_ms)
    VALUES (kind, target, parameters, current_setting('app.subject'), current_setting('app.role'), app_organisation_ids(),
            max_attempts, statement_timeout_ms)
    RETURNING jobs.id INTO id;
    RETURN id;
END
$$;
REVOKE ALL ON FUNCTION job_enqueue(text, uuid, uuid, jsonb, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION job_enqueue(text, uuid, uuid, jsonb, integer, integer) TO strokepath_app;

-- Claims the oldest job of one of `kinds` (those the worker can run: an instance of an older
-- release leaves a newer kind alone) that is ready (queued and due) or abandoned (running,
-- lease expired) for `worker`, counting an attempt. No row when there is none.
-- `attempts > max_attempts` in the answer means the job's last attempt ended without a result
-- (its worker died): give up.
CREATE FUNCTION job_claim(worker text, lease_seconds integer, kinds text[])
RETURNS TABLE (id uuid, kind text, target_id uuid, parameters jsonb, acting_subject text, acting_role text,
               acting_organisations uuid[], attempts integer, max_attempts integer, statement_timeout_ms integer)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    UPDATE jobs j SET status = 'running', attempts = j.attempts + 1, lease_owner = worker,
                      lease_until = now() + make_interval(secs => lease_seconds), started_at = coalesce(j.started_at, now())
    FROM (SELECT c.id FROM jobs c
          WHERE c.kind = ANY (kinds) AND ((c.status = 'queued' AND c.run_after <= now()) OR (c.status = 'running' AND c.lease_until < now()))
          ORDER BY c.run_after, c.created_at LIMIT 1 FOR UPDATE SKIP LOCKED) ready
    WHERE j.id = ready.id
    RETURNING j.id, j.kind, j.target_id, j.parameters, j.acting_subject, j.acting_role, j.acting_organisations,
              j.attempts, j.max_attempts, j.statement_timeout_ms
$$;
REVOKE ALL ON FUNCTION job_claim(text, integer, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION job_claim(text, integer, text[]) TO strokepath_app;

-- Extends `worker`'s lease on a running job; false when the worker no longer holds it.
CREATE FUNCTION job_renew(job uuid, worker text, lease_seconds integer) RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    WITH renewed AS (
        UPDATE jobs SET lease_until = now() + make_interval(secs => lease_seconds)
        WHERE id = job AND status = 'running' AND lease_owner = worker RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM renewed)
$$;
REVOKE ALL ON FUNCTION job_renew(uuid, text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION job_renew(uuid, text, integer) TO strokepath_app;

-- Ends `worker`'s hold on a running job: done, failed (with its reason), or queued again after
-- `retry_after_seconds` (a retry). `handed_back`: queued again because its instance is
-- stopping, which does not count as an attempt. False when the worker no longer holds it.
CREATE FUNCTION job_settle(job uuid, worker text, outcome text, retry_after_seconds integer, reason text, handed_back boolean)
RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    WITH settled AS (
        UPDATE jobs SET status = outcome, lease_owner = NULL, lease_until = NULL, error = left(reason, 500),
                        attempts = CASE WHEN handed_back AND outcome = 'queued' THEN attempts - 1 ELSE attempts END,
                        run_after = CASE WHEN outcome = 'queued' THEN now() + make_interval(secs => retry_after_seconds) ELSE run_after END,
                        finished_at = CASE WHEN outcome IN ('done', 'failed') THEN now() END
        WHERE id = job AND status = 'running' AND lease_owner = worker AND outcome IN ('queued', 'done', 'failed') RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM settled)
$$;
REVOKE ALL ON FUNCTION job_settle(uuid, text, text, integer, text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION job_settle(uuid, text, text, integer, text, boolean) TO strokepath_app;

-- How many jobs there are in each status, and how many running ones have an expired lease:
-- for the status page and the metrics (no job's content).
CREATE FUNCTION job_counts()
RETURNS TABLE (status text, jobs bigint, expired bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    SELECT s.status, count(j.id), count(j.id) FILTER (WHERE j.status = 'running' AND j.lease_until < now())
    FROM unnest(ARRAY['queued', 'running', 'done', 'failed']) AS s(status) LEFT JOIN jobs j ON j.status = s.status
    GROUP BY s.status ORDER BY s.status
$$;
REVOKE ALL ON FUNCTION job_counts() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION job_counts() TO strokepath_app;

-- Plans that were queued or being solved by the in-memory queue of the release before this one
-- have no job: they fail, saying so, rather than wait for ever.
ALTER TABLE rehab_plans NO FORCE ROW LEVEL SECURITY;
UPDATE rehab_plans SET status = 'failed', finished_at = now(),
    error = 'interrupted: the service was upgraded while the plan was queued or being solved; plan the week again'
WHERE status IN ('queued', 'running');
ALTER TABLE rehab_plans FORCE ROW LEVEL SECURITY;
