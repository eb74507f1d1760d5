-- The report refresh as a durable job (issue 19): `POST /api/v1/reports/refresh` queues it
-- and answers at once; any instance's job worker runs it, a dead worker's refresh is taken
-- over when its lease expires, and the admin reads the job's status and, once done, what it
-- counted. The refresh completes its job in its own transaction (job_complete): the cells, the
-- counts and `done` commit together, so a refresh that committed is never run again, and one
-- whose worker lost the job (its lease expired and another took it) rolls back.
ALTER TABLE jobs ADD COLUMN result jsonb CHECK (result IS NULL OR (jsonb_typeof(result) = 'object' AND status = 'done'));

-- Whether the current transaction's actor may see `job`: the one who queued it, or an admin
-- acting for one of the organisations it was queued with. Like every access rule, it trusts the
-- role and organisations the service sets for the transaction (docs/threat-model.md).
CREATE FUNCTION job_visible(job jobs) RETURNS boolean
LANGUAGE sql STABLE SET search_path = public, pg_temp
AS $$
    SELECT job.acting_subject = app_subject() OR (app_role() = 'admin' AND job.acting_organisations && app_organisation_ids())
$$;
REVOKE ALL ON FUNCTION job_visible(jobs) FROM PUBLIC;

-- Queues a job like job_enqueue, unless one of the same kind, target and parameters that the
-- caller can see is waiting in the queue (not running): that one is answered instead, so
-- repeated asks while the queue is busy do the work once. Serialised per kind, so two asks at
-- once queue one. The caller must act for `organisation` either way.
CREATE FUNCTION job_enqueue_once(kind text, organisation uuid, target uuid, parameters jsonb, max_attempts integer, statement_timeout_ms integer)
RETURNS uuid
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    existing uuid;
BEGIN
    IF organisation IS NULL OR NOT organisation = ANY (app_organisation_ids()) THEN
        RAISE EXCEPTION 'a job may only be queued for an organisation the caller acts for' USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('job_enqueue_once'), hashtext(kind));
    SELECT j.id INTO existing FROM jobs j
    WHERE j.kind = job_enqueue_once.kind AND j.target_id = target AND j.status = 'queued' AND j.parameters = job_enqueue_once.parameters
      AND job_visible(j)
    ORDER BY j.created_at LIMIT 1;
    IF existing IS NOT NULL THEN
        RETURN existing;
    END IF;
    RETURN job_enqueue(kind, organisation, target, parameters, max_attempts, statement_timeout_ms);
END
$$;
REVOKE ALL ON FUNCTION job_enqueue_once(text, uuid, uuid, jsonb, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION job_enqueue_once(text, uuid, uuid, jsonb, integer, integer) TO strokepath_app;

-- Completes `worker`'s running job with what it produced, in the transaction that produced it
-- (finished when the work was, not when its transaction began); false when the worker no longer holds it (its lease expired and another worker took it over),
-- and then the caller rolls its work back.
CREATE FUNCTION job_complete(job uuid, worker text, result jsonb) RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    WITH completed AS (
        UPDATE jobs SET status = 'done', result = job_complete.result, error = NULL, lease_owner = NULL, lease_until = NULL,
                        finished_at = clock_timestamp()
        WHERE id = job AND status = 'running' AND lease_owner = worker RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM completed)
$$;
REVOKE ALL ON FUNCTION job_complete(uuid, text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION job_complete(uuid, text, jsonb) TO strokepath_app;

-- A job of `kind` as the caller may see it (job_visible): its status, attempts, last error and
-- result — never its parameters or whom it acts as. No row for any other job.
CREATE FUNCTION job_view(job uuid, kind text)
RETURNS TABLE (id uuid, status text, attempts integer, max_attempts integer, error text, result jsonb,
               created_at timestamptz, started_at timestamptz, finished_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    SELECT j.id, j.status, j.attempts, j.max_attempts, j.error, j.result, j.created_at, j.started_at, j.finished_at
    FROM jobs j WHERE j.id = job AND j.kind = job_view.kind AND job_visible(j)
$$;
REVOKE ALL ON FUNCTION job_view(uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION job_view(uuid, text) TO strokepath_app;
