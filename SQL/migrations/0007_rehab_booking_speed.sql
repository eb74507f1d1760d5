-- Bookings stay fast as the calendar fills. Under row-level security PostgreSQL applies a
-- policy before any condition whose operator is not leakproof, and the range operators
-- (&&, @>) are not: the room-capacity check scanned every session the room ever had. A
-- session's start and end as plain columns, compared with the leakproof timestamptz
-- operators over a btree, and a bound on a session's length (12 hours) keep each check to the
-- sessions near the booking.
ALTER TABLE rehab_sessions
    ADD COLUMN starts_at timestamptz GENERATED ALWAYS AS (lower(during)) STORED,
    ADD COLUMN ends_at timestamptz GENERATED ALWAYS AS (upper(during)) STORED,
    ADD CONSTRAINT rehab_sessions_length CHECK (upper(during) - lower(during) <= interval '12 hours');
CREATE INDEX rehab_sessions_room_time_idx ON rehab_sessions (room_id, starts_at) WHERE cancelled_at IS NULL;
CREATE INDEX rehab_sessions_clinic_time_idx ON rehab_sessions (organisation_id, starts_at);
DROP INDEX rehab_sessions_org_idx;

CREATE OR REPLACE FUNCTION rehab_check_room(room uuid, span tstzrange) RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    limits record;
    worst record;
    span_start timestamptz := coalesce(lower(span), '-infinity');
    span_end timestamptz := coalesce(upper(span), 'infinity');
    first_start timestamptz := coalesce(lower(span), '-infinity') - interval '12 hours';
BEGIN
    UPDATE rehab_rooms SET bookings = bookings + 1 WHERE id = room RETURNING capacity, max_sessions INTO limits;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT instant, count(DISTINCT s.id) AS sessions, count(p.patient_id) AS patients INTO worst
    FROM (
        SELECT DISTINCT greatest(s.starts_at, span_start) AS instant
        FROM rehab_sessions s
        WHERE s.room_id = room AND s.cancelled_at IS NULL
          AND s.starts_at >= first_start AND s.starts_at < span_end AND s.ends_at > span_start
    ) instants
    JOIN rehab_sessions s ON s.room_id = room AND s.cancelled_at IS NULL
        AND s.starts_at >= first_start AND s.starts_at <= instants.instant AND s.ends_at > instants.instant
    LEFT JOIN rehab_participants p ON p.session_id = s.id AND p.cancelled_at IS NULL
    GROUP BY instant
    ORDER BY greatest(count(DISTINCT s.id)::numeric / limits.max_sessions, count(p.patient_id)::numeric / limits.capacity) DESC
    LIMIT 1;
    IF FOUND AND (worst.sessions > limits.max_sessions OR worst.patients > limits.capacity) THEN
        RAISE EXCEPTION 'room % is full at %', room, worst.instant
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rehab_room_capacity';
    END IF;
    IF EXISTS (
        SELECT 1 FROM rehab_sessions s
        WHERE s.room_id = room AND s.cancelled_at IS NULL
          AND s.starts_at >= first_start AND s.starts_at < span_end AND s.ends_at > span_start
          AND (SELECT count(*) FROM rehab_participants p WHERE p.session_id = s.id AND p.cancelled_at IS NULL) > s.max_participants
    ) THEN
        RAISE EXCEPTION 'a session in room % is over its group size', room
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rehab_group_size';
    END IF;
END
$$;
-- Its queries are planned once per connection: a plan per call (the default here, as the
-- generic plan's estimate looks worse) cost five times the check itself.
ALTER FUNCTION rehab_check_room(uuid, tstzrange) SET plan_cache_mode = force_generic_plan;

DROP INDEX rehab_sessions_therapist_idx;
CREATE INDEX rehab_sessions_therapist_time_idx ON rehab_sessions (therapist_id, starts_at);

-- A participant written in the transaction that also wrote its session (a booking, a move)
-- needs no check of its own: the session's check at commit counts it.
CREATE OR REPLACE FUNCTION rehab_participants_check_room() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    session record;
BEGIN
    IF NEW.cancelled_at IS NULL AND NOT NEW.session_cancelled THEN
        SELECT room_id, xmin = pg_current_xact_id()::xid AS written_now INTO session FROM rehab_sessions WHERE id = NEW.session_id;
        IF NOT session.written_now THEN
            PERFORM rehab_check_room(session.room_id, NEW.during);
        END IF;
    END IF;
    RETURN NULL;
END
$$;

-- A re-plan records what it changed against the published week: kept, displaced, removed, added.
ALTER TABLE rehab_plans ADD COLUMN changes jsonb;
-- When the solve started (queued plans wait for the ones before them).
ALTER TABLE rehab_plans ADD COLUMN started_at timestamptz;
