-- Rehabilitation clinic: therapists, rooms and pools, sessions and their participants.
-- PostgreSQL itself forbids double booking: exclusion constraints keep a therapist, a
-- patient and a single-capacity room to one booked session at a time, and a deferred
-- constraint trigger keeps every room and pool within its session and patient limits under
-- concurrent bookings (it takes the room row first, so bookings of one room commit one at a
-- time and each sees the others).
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE rehab_therapists (
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code text NOT NULL CHECK (code ~ '^[A-Za-z0-9_-]{1,40}$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    skills text[] NOT NULL DEFAULT '{}',
    teams integer[] NOT NULL DEFAULT '{}',
    UNIQUE (organisation_id, code),
    UNIQUE (id, organisation_id)
);

CREATE TABLE rehab_rooms (
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code text NOT NULL CHECK (code ~ '^[A-Za-z0-9_-]{1,40}$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    room_type text NOT NULL CHECK (room_type ~ '^[a-z_]{1,40}$'),
    -- Patients at once, and sessions at once (plinths, stations, lanes).
    capacity integer NOT NULL CHECK (capacity BETWEEN 1 AND 1000),
    max_sessions integer NOT NULL CHECK (max_sessions BETWEEN 1 AND 1000),
    -- One session of one patient at a time: its bookings are kept apart by a constraint.
    single boolean GENERATED ALWAYS AS (capacity = 1 AND max_sessions = 1) STORED,
    -- Bumped by every booking of the room, so that concurrent bookings of it serialise.
    bookings bigint NOT NULL DEFAULT 0,
    UNIQUE (organisation_id, code),
    UNIQUE (id, organisation_id, single)
);

CREATE TABLE rehab_sessions (
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    modality text NOT NULL CHECK (modality ~ '^[A-Za-z0-9_]{1,40}$'),
    therapist_id uuid,
    room_id uuid NOT NULL,
    room_single boolean NOT NULL,
    during tstzrange NOT NULL CHECK (
        NOT isempty(during) AND lower_inc(during) AND NOT upper_inc(during) AND NOT lower_inf(during) AND NOT upper_inf(during)
    ),
    -- 1 for an individual session, the modality's group size for a group.
    max_participants integer NOT NULL CHECK (max_participants BETWEEN 1 AND 100),
    booked_at timestamptz NOT NULL DEFAULT now(),
    booked_by text NOT NULL CHECK (length(booked_by) BETWEEN 1 AND 200),
    cancelled_at timestamptz,
    cancelled_by text CHECK (length(cancelled_by) BETWEEN 1 AND 200),
    cancel_reason text CHECK (length(cancel_reason) BETWEEN 1 AND 500),
    cancelled boolean GENERATED ALWAYS AS (cancelled_at IS NOT NULL) STORED,
    CHECK ((cancelled_at IS NULL) = (cancelled_by IS NULL)),
    -- A session uses its own organisation's therapist and room (foreign keys do not see
    -- row-level security, so the organisation is part of the key).
    FOREIGN KEY (therapist_id, organisation_id) REFERENCES rehab_therapists (id, organisation_id),
    FOREIGN KEY (room_id, organisation_id, room_single) REFERENCES rehab_rooms (id, organisation_id, single) ON UPDATE CASCADE,
    UNIQUE (id, organisation_id, during, cancelled),
    CONSTRAINT rehab_sessions_therapist_free EXCLUDE USING gist (therapist_id WITH =, during WITH &&)
        WHERE (cancelled_at IS NULL AND therapist_id IS NOT NULL),
    CONSTRAINT rehab_sessions_room_free EXCLUDE USING gist (room_id WITH =, during WITH &&)
        WHERE (cancelled_at IS NULL AND room_single)
);
CREATE INDEX rehab_sessions_room_idx ON rehab_sessions USING gist (room_id, during) WHERE cancelled_at IS NULL;
CREATE INDEX rehab_sessions_org_idx ON rehab_sessions (organisation_id, lower(during));

CREATE TABLE rehab_participants (
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    session_id uuid NOT NULL,
    patient_id uuid NOT NULL REFERENCES patients (id),
    -- The session's time and state, kept equal to it by the foreign key (moving or cancelling
    -- a session moves or cancels its participants, and their constraint is checked again).
    during tstzrange NOT NULL,
    session_cancelled boolean NOT NULL DEFAULT false,
    cancelled_at timestamptz,
    PRIMARY KEY (session_id, patient_id),
    FOREIGN KEY (session_id, organisation_id, during, session_cancelled)
        REFERENCES rehab_sessions (id, organisation_id, during, cancelled) ON UPDATE CASCADE,
    CONSTRAINT rehab_participants_patient_free EXCLUDE USING gist (patient_id WITH =, during WITH &&)
        WHERE (cancelled_at IS NULL AND NOT session_cancelled)
);
CREATE INDEX rehab_participants_patient_idx ON rehab_participants (patient_id, lower(during));

-- Raises check_violation when, at some instant of `span`, the room holds more booked
-- sessions or patients than it may, or a session more participants than it may. Takes the
-- room row first: bookings of one room are checked one after another.
CREATE FUNCTION rehab_check_room(room uuid, span tstzrange) RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    limits record;
    worst record;
BEGIN
    UPDATE rehab_rooms SET bookings = bookings + 1 WHERE id = room RETURNING capacity, max_sessions INTO limits;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT instant, count(DISTINCT s.id) AS sessions, count(p.patient_id) AS patients INTO worst
    FROM (
        SELECT DISTINCT greatest(lower(s.during), lower(span)) AS instant
        FROM rehab_sessions s
        WHERE s.room_id = room AND s.cancelled_at IS NULL AND s.during && span
    ) instants
    JOIN rehab_sessions s ON s.room_id = room AND s.cancelled_at IS NULL AND s.during @> instants.instant
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
        WHERE s.room_id = room AND s.cancelled_at IS NULL AND s.during && span
          AND (SELECT count(*) FROM rehab_participants p WHERE p.session_id = s.id AND p.cancelled_at IS NULL) > s.max_participants
    ) THEN
        RAISE EXCEPTION 'a session in room % is over its group size', room
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rehab_group_size';
    END IF;
END
$$;

CREATE FUNCTION rehab_sessions_check_room() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF NEW.cancelled_at IS NULL THEN
        PERFORM rehab_check_room(NEW.room_id, NEW.during);
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION rehab_participants_check_room() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    room uuid;
BEGIN
    IF NEW.cancelled_at IS NULL AND NOT NEW.session_cancelled THEN
        SELECT room_id INTO room FROM rehab_sessions WHERE id = NEW.session_id;
        PERFORM rehab_check_room(room, NEW.during);
    END IF;
    RETURN NULL;
END
$$;

-- Checked at commit, after every row of the booking is in place.
CREATE CONSTRAINT TRIGGER rehab_sessions_room_capacity AFTER INSERT OR UPDATE ON rehab_sessions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION rehab_sessions_check_room();
CREATE CONSTRAINT TRIGGER rehab_participants_room_capacity AFTER INSERT OR UPDATE ON rehab_participants
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION rehab_participants_check_room();

ALTER TABLE rehab_therapists ENABLE ROW LEVEL SECURITY;
ALTER TABLE rehab_therapists FORCE ROW LEVEL SECURITY;
CREATE POLICY rehab_therapists_own ON rehab_therapists
    USING (organisation_id = ANY (app_organisation_ids())) WITH CHECK (organisation_id = ANY (app_organisation_ids()));
ALTER TABLE rehab_rooms ENABLE ROW LEVEL SECURITY;
ALTER TABLE rehab_rooms FORCE ROW LEVEL SECURITY;
CREATE POLICY rehab_rooms_own ON rehab_rooms
    USING (organisation_id = ANY (app_organisation_ids())) WITH CHECK (organisation_id = ANY (app_organisation_ids()));
ALTER TABLE rehab_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE rehab_sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY rehab_sessions_own ON rehab_sessions
    USING (organisation_id = ANY (app_organisation_ids())) WITH CHECK (organisation_id = ANY (app_organisation_ids()));
ALTER TABLE rehab_participants ENABLE ROW LEVEL SECURITY;
ALTER TABLE rehab_participants FORCE ROW LEVEL SECURITY;
CREATE POLICY rehab_participants_own ON rehab_participants
    USING (organisation_id = ANY (app_organisation_ids())) WITH CHECK (organisation_id = ANY (app_organisation_ids()));

GRANT SELECT, INSERT, UPDATE ON rehab_therapists, rehab_rooms, rehab_sessions, rehab_participants TO strokepath_app;
