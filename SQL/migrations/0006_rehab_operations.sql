-- Rehabilitation clinic operations: the clinic's week grid, therapists' shifts and leave,
-- room opening hours, patients' rehab stays and prescriptions, recurring series whose
-- occurrences are ordinary booked sessions, attendance, the waitlist and stored plans.
-- Week days are numbered 0 = Monday … 6 = Sunday; times of day are the clinic's local time.

-- The clinic's planning grid and local time zone (none stored: ClinicSettings.standard).
CREATE TABLE rehab_clinic_settings (
    organisation_id uuid PRIMARY KEY REFERENCES organisations (id),
    time_zone text NOT NULL CHECK (length(time_zone) BETWEEN 1 AND 64),
    day_start time NOT NULL,
    slot_minutes integer NOT NULL CHECK (slot_minutes IN (5, 10, 15, 20, 30)),
    weekday_slots integer NOT NULL CHECK (weekday_slots BETWEEN 1 AND 64),
    saturday_slots integer NOT NULL CHECK (saturday_slots BETWEEN 0 AND 64),
    am_pm_boundary_slot integer NOT NULL CHECK (am_pm_boundary_slot BETWEEN 0 AND 64),
    -- Share of a shift given to patients (the rest is notes, meetings, goal setting).
    contact_percent integer NOT NULL CHECK (contact_percent BETWEEN 10 AND 100),
    -- How long a waitlist offer of a freed slot holds.
    offer_minutes integer NOT NULL CHECK (offer_minutes BETWEEN 5 AND 10080)
);

ALTER TABLE rehab_rooms ADD UNIQUE (id, organisation_id);

ALTER TABLE rehab_therapists
    ADD COLUMN role text NOT NULL DEFAULT '' CHECK (length(role) <= 40),
    ADD COLUMN active boolean NOT NULL DEFAULT true;

-- A therapist's usual week: working windows per week day (breaks are gaps between rows).
CREATE TABLE rehab_therapist_shifts (
    organisation_id uuid NOT NULL,
    therapist_id uuid NOT NULL,
    weekday smallint NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    starts time NOT NULL,
    ends time NOT NULL CHECK (ends > starts),
    PRIMARY KEY (therapist_id, weekday, starts),
    FOREIGN KEY (therapist_id, organisation_id) REFERENCES rehab_therapists (id, organisation_id) ON DELETE CASCADE
);

CREATE TABLE rehab_therapist_leave (
    organisation_id uuid NOT NULL,
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    therapist_id uuid NOT NULL,
    during tstzrange NOT NULL CHECK (NOT isempty(during) AND NOT lower_inf(during) AND NOT upper_inf(during)),
    reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
    FOREIGN KEY (therapist_id, organisation_id) REFERENCES rehab_therapists (id, organisation_id) ON DELETE CASCADE
);
CREATE INDEX rehab_therapist_leave_idx ON rehab_therapist_leave USING gist (therapist_id, during);

CREATE TABLE rehab_room_hours (
    organisation_id uuid NOT NULL,
    room_id uuid NOT NULL,
    weekday smallint NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    opens time NOT NULL,
    closes time NOT NULL CHECK (closes > opens),
    PRIMARY KEY (room_id, weekday, opens),
    FOREIGN KEY (room_id, organisation_id) REFERENCES rehab_rooms (id, organisation_id) ON DELETE CASCADE
);

-- A patient's stay at the clinic: what planning and every booking check need to know.
CREATE TABLE rehab_stays (
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    patient_id uuid NOT NULL REFERENCES patients (id),
    setting text NOT NULL CHECK (setting IN ('inpatient', 'outpatient')),
    stroke_date date NOT NULL,
    stroke_type text NOT NULL CHECK (stroke_type IN ('ischaemic', 'haemorrhagic')),
    team integer NOT NULL DEFAULT 0 CHECK (team BETWEEN 0 AND 99),
    flags text[] NOT NULL DEFAULT '{}' CHECK (array_position(flags, NULL) IS NULL),
    max_minutes_per_day integer NOT NULL CHECK (max_minutes_per_day BETWEEN 15 AND 480),
    min_gap_minutes integer NOT NULL DEFAULT 0 CHECK (min_gap_minutes BETWEEN 0 AND 240),
    time_preference text NOT NULL DEFAULT 'none' CHECK (time_preference IN ('none', 'am', 'pm')),
    admitted_on date NOT NULL,
    discharge_on date,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (stroke_date <= admitted_on),
    CHECK (discharge_on IS NULL OR discharge_on >= admitted_on),
    UNIQUE (id, organisation_id),
    CONSTRAINT rehab_stays_one_at_a_time EXCLUDE USING gist (
        organisation_id WITH =, patient_id WITH =, daterange(admitted_on, discharge_on, '[]') WITH &&)
);

-- When the patient can attend, per week day (meals, ward rounds, transport are gaps).
CREATE TABLE rehab_stay_availability (
    organisation_id uuid NOT NULL,
    stay_id uuid NOT NULL,
    weekday smallint NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    starts time NOT NULL,
    ends time NOT NULL CHECK (ends > starts),
    PRIMARY KEY (stay_id, weekday, starts),
    FOREIGN KEY (stay_id, organisation_id) REFERENCES rehab_stays (id, organisation_id) ON DELETE CASCADE
);

CREATE TABLE rehab_prescriptions (
    organisation_id uuid NOT NULL,
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    stay_id uuid NOT NULL,
    modality text NOT NULL CHECK (modality ~ '^[A-Za-z0-9_]{1,40}$'),
    sessions_per_week integer NOT NULL CHECK (sessions_per_week BETWEEN 1 AND 14),
    session_minutes integer NOT NULL CHECK (session_minutes BETWEEN 5 AND 240),
    max_per_day integer NOT NULL DEFAULT 1 CHECK (max_per_day BETWEEN 1 AND 4),
    starts_on date NOT NULL,
    ends_on date,
    prescribed_by text NOT NULL CHECK (length(prescribed_by) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_on IS NULL OR ends_on >= starts_on),
    FOREIGN KEY (stay_id, organisation_id) REFERENCES rehab_stays (id, organisation_id),
    UNIQUE (id, organisation_id),
    CONSTRAINT rehab_prescriptions_one_per_modality EXCLUDE USING gist (
        stay_id WITH =, modality WITH =, daterange(starts_on, ends_on, '[]') WITH &&)
);

-- A weekly solve: queued → running → done (or failed); a done plan is reviewed, then
-- published (its schedule booked) or discarded.
CREATE TABLE rehab_plans (
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    week_start date NOT NULL CHECK (extract(isodow FROM week_start) = 1),
    status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed', 'published', 'discarded')),
    seconds integer NOT NULL CHECK (seconds BETWEEN 1 AND 600),
    progress real NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
    objective bigint,
    instance jsonb,
    schedule jsonb,
    score jsonb,
    unplaced jsonb,
    error text,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    published_by text,
    published_at timestamptz,
    UNIQUE (id, organisation_id)
);

-- Recurring sessions: one rule, its occurrences booked as ordinary sessions. Editing the
-- series from a date ends this row the day before, cancels its later unattended occurrences
-- and starts a new series (`follows`) with its own occurrences.
CREATE TABLE rehab_series (
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    follows uuid REFERENCES rehab_series (id),
    modality text NOT NULL CHECK (modality ~ '^[A-Za-z0-9_]{1,40}$'),
    therapist_id uuid,
    room_id uuid NOT NULL,
    patients uuid[] NOT NULL CHECK (cardinality(patients) BETWEEN 1 AND 100),
    weekdays smallint[] NOT NULL CHECK (cardinality(weekdays) BETWEEN 1 AND 7 AND weekdays <@ '{0,1,2,3,4,5,6}'),
    start_time time NOT NULL,
    minutes integer NOT NULL CHECK (minutes BETWEEN 5 AND 240),
    max_participants integer NOT NULL CHECK (max_participants BETWEEN 1 AND 100),
    first_day date NOT NULL,
    -- An edit from the first day on leaves the old series empty (last_day = first_day - 1).
    last_day date NOT NULL CHECK (last_day >= first_day - 1 AND last_day - first_day <= 366),
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (therapist_id, organisation_id) REFERENCES rehab_therapists (id, organisation_id),
    FOREIGN KEY (room_id, organisation_id) REFERENCES rehab_rooms (id, organisation_id),
    UNIQUE (id, organisation_id)
);

ALTER TABLE rehab_sessions
    ADD COLUMN series_id uuid,
    -- An occurrence moved on its own (editing the series from a date onwards still replaces it).
    ADD COLUMN series_edited boolean NOT NULL DEFAULT false,
    ADD COLUMN plan_id uuid,
    ADD FOREIGN KEY (series_id, organisation_id) REFERENCES rehab_series (id, organisation_id),
    ADD FOREIGN KEY (plan_id, organisation_id) REFERENCES rehab_plans (id, organisation_id);
CREATE INDEX rehab_sessions_series_idx ON rehab_sessions (series_id, lower(during)) WHERE series_id IS NOT NULL;
CREATE INDEX rehab_sessions_therapist_idx ON rehab_sessions (therapist_id, lower(during));

-- A participant's own cancellation (the patient cancels; the session goes on for others)
-- and attendance: attended or no-show, with the minutes actually delivered.
ALTER TABLE rehab_participants
    ADD COLUMN prescription_id uuid,
    ADD COLUMN cancelled_by text CHECK (length(cancelled_by) BETWEEN 1 AND 200),
    ADD COLUMN cancel_reason text CHECK (length(cancel_reason) BETWEEN 1 AND 500),
    ADD COLUMN attendance text CHECK (attendance IN ('attended', 'no_show')),
    ADD COLUMN minutes_delivered integer CHECK (minutes_delivered BETWEEN 0 AND 480),
    ADD COLUMN attendance_note text CHECK (length(attendance_note) BETWEEN 1 AND 500),
    ADD COLUMN attendance_by text,
    ADD COLUMN attendance_at timestamptz,
    ADD CHECK ((attendance = 'attended') = (minutes_delivered IS NOT NULL)),
    ADD CHECK ((attendance IS NULL) = (attendance_by IS NULL)),
    ADD CHECK (attendance IS NULL OR cancelled_at IS NULL),
    ADD FOREIGN KEY (prescription_id, organisation_id) REFERENCES rehab_prescriptions (id, organisation_id);

-- Patients waiting for a session of a modality. A cancelled session's slot is offered to the
-- first fitting entry (waiting → offered); accepting books it (booked); an offer not taken
-- in time returns the entry to waiting; an entry not booked by `wanted_by` is expired.
CREATE TABLE rehab_waitlist (
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    patient_id uuid NOT NULL REFERENCES patients (id),
    modality text NOT NULL CHECK (modality ~ '^[A-Za-z0-9_]{1,40}$'),
    priority integer NOT NULL CHECK (priority BETWEEN 1 AND 3),
    wanted_by date NOT NULL,
    note text CHECK (length(note) BETWEEN 1 AND 500),
    status text NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'offered', 'booked', 'expired')),
    offered_session uuid REFERENCES rehab_sessions (id),
    offer_expires_at timestamptz,
    booked_session uuid REFERENCES rehab_sessions (id),
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'offered') = (offered_session IS NOT NULL AND offer_expires_at IS NOT NULL)),
    CHECK ((status = 'booked') = (booked_session IS NOT NULL))
);
CREATE INDEX rehab_waitlist_open_idx ON rehab_waitlist (organisation_id, modality, priority DESC, created_at) WHERE status = 'waiting';

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['rehab_clinic_settings', 'rehab_therapist_shifts', 'rehab_therapist_leave', 'rehab_room_hours',
                             'rehab_stays', 'rehab_stay_availability', 'rehab_prescriptions', 'rehab_plans', 'rehab_series', 'rehab_waitlist'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I USING (organisation_id = ANY (app_organisation_ids()))
                        WITH CHECK (organisation_id = ANY (app_organisation_ids()))', t || '_own', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE ON %I TO strokepath_app', t);
    END LOOP;
END
$$;
-- Replacing a therapist's week, a room's hours or a stay's availability rewrites its rows.
GRANT DELETE ON rehab_therapist_shifts, rehab_therapist_leave, rehab_room_hours, rehab_stay_availability TO strokepath_app;
