-- Regional reporting of rehabilitation and of the recovery model (issue 8): rehab stays,
-- therapy prescribed and delivered, missed sessions and the recovery model's day-90 forecasts
-- are counted into the report cells by site (hospital or rehab clinic), month and stratum;
-- therapy minutes by discipline; resource utilisation by clinic and month. As with 0009, the
-- reporting role reads only these aggregates.

-- The recovery model's forecasts of FM-UE at day 90, one per projection computed (not per
-- cached answer): what the model said from the observations up to `last_observed_day`, to be
-- held against the day-90 assessment once it is made (the model's calibration in the region).
CREATE TABLE recovery_forecasts (
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    patient_id uuid NOT NULL REFERENCES patients (id),
    made_at timestamptz NOT NULL,
    onset_at timestamptz NOT NULL,
    -- The day after onset of the last FM-UE observation the fit used.
    last_observed_day real NOT NULL CHECK (last_observed_day >= 0),
    fm_day_90 real NOT NULL CHECK (fm_day_90 BETWEEN 0 AND 66),
    -- The 95 % prediction interval for day 90 (profile likelihood).
    lower_day_90 real NOT NULL CHECK (lower_day_90 <= fm_day_90),
    upper_day_90 real NOT NULL CHECK (upper_day_90 >= fm_day_90),
    model text NOT NULL,
    parameter_version text NOT NULL
);
CREATE INDEX recovery_forecasts_patient_idx ON recovery_forecasts (patient_id, made_at);
ALTER TABLE recovery_forecasts ENABLE ROW LEVEL SECURITY;
ALTER TABLE recovery_forecasts FORCE ROW LEVEL SECURITY;
CREATE POLICY recovery_forecasts_in_care ON recovery_forecasts
    USING (EXISTS (SELECT 1 FROM patients p WHERE p.id = recovery_forecasts.patient_id))
    WITH CHECK (organisation_id = ANY (app_organisation_ids()) AND EXISTS (SELECT 1 FROM patients p WHERE p.id = recovery_forecasts.patient_id));
GRANT SELECT, INSERT ON recovery_forecasts TO strokepath_app;

-- Rehabilitation and calibration counts in the report cells. A patient's rehab for one stroke
-- at one site (an inpatient stay and the outpatient one after it) counts once, in the month of
-- its first admission, with all its sessions; a forecast once per patient, in the month of onset.
ALTER TABLE report_cells
    -- Rehab episodes admitted (column `stays`); those with an attended session (stroke to first
    -- session known); those with a place in a session that has ended; their days of stay,
    -- admission and discharge day included, up to discharge or the day of the refresh.
    ADD COLUMN stays integer NOT NULL DEFAULT 0,
    ADD COLUMN stroke_to_first_session_known integer NOT NULL DEFAULT 0,
    ADD COLUMN stays_booked integer NOT NULL DEFAULT 0,
    ADD COLUMN patient_days integer NOT NULL DEFAULT 0,
    -- Places in sessions that have ended, and what became of them (the rest: not recorded).
    ADD COLUMN places integer NOT NULL DEFAULT 0,
    ADD COLUMN attended integer NOT NULL DEFAULT 0,
    ADD COLUMN no_show integer NOT NULL DEFAULT 0,
    ADD COLUMN place_cancelled integer NOT NULL DEFAULT 0,
    ADD COLUMN session_cancelled integer NOT NULL DEFAULT 0,
    -- Patients with a day-90 forecast made before the follow-up window and an FM-UE
    -- assessment in it: the sums of forecast minus observed, of its absolute value, and how
    -- many observations fell within the forecast's 95 % interval.
    ADD COLUMN forecasts integer NOT NULL DEFAULT 0,
    ADD COLUMN fm_error_sum double precision NOT NULL DEFAULT 0,
    ADD COLUMN fm_abs_error_sum double precision NOT NULL DEFAULT 0,
    ADD COLUMN fm_within_interval integer NOT NULL DEFAULT 0;

-- The cells summed by calendar year (`month`: the year's first day), for reports by year or
-- over all time: a sixth of the rows to read.
CREATE TABLE report_cells_yearly (LIKE report_cells INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE report_cells_yearly ADD PRIMARY KEY (region_id, hospital_id, month, age_band, sex, stroke_type, severity_band);

-- The acute intervals' histograms by region, stratum and calendar year: medians and quartiles
-- by age band, sex, stroke type or NIHSS band (by hospital and month they stay in
-- report_minutes).
CREATE TABLE report_minutes_strata (
    region_id uuid NOT NULL REFERENCES organisations (id),
    stratum text NOT NULL CHECK (stratum IN ('age_band', 'sex', 'stroke_type', 'severity_band')),
    value text NOT NULL,
    year date NOT NULL,
    measure text NOT NULL,
    minutes smallint NOT NULL,
    episodes integer NOT NULL,
    PRIMARY KEY (region_id, stratum, value, measure, year, minutes)
);
ALTER TABLE report_minutes_strata ENABLE ROW LEVEL SECURITY;
CREATE POLICY report_minutes_strata_caller ON report_minutes_strata FOR SELECT TO strokepath_planner
    USING (region_id = ANY ((SELECT app_organisation_ids())::uuid[]));
GRANT SELECT ON report_minutes_strata TO strokepath_planner;

-- Days from the stroke to the first attended session, in the histograms beside the minutes.
ALTER TABLE report_minutes DROP CONSTRAINT report_minutes_measure_check;
ALTER TABLE report_minutes ADD CONSTRAINT report_minutes_measure_check
    CHECK (measure IN ('onset_to_door', 'door_to_imaging', 'door_to_needle', 'door_to_groin', 'stroke_to_first_session'));

-- Therapy minutes by site, admission month, stratum and discipline (Protocols/rehab's
-- catalogue maps modalities to disciplines): prescribed (pro rata over the days of stay the
-- prescription covered) and delivered (attended sessions).
CREATE TABLE report_therapy (
    region_id uuid NOT NULL REFERENCES organisations (id),
    hospital_id uuid NOT NULL REFERENCES organisations (id),
    month date NOT NULL,
    age_band smallint NOT NULL,
    sex text NOT NULL,
    stroke_type stroke_type NOT NULL,
    severity_band smallint NOT NULL,
    discipline text NOT NULL,
    prescribed_minutes double precision NOT NULL,
    delivered_minutes bigint NOT NULL,
    PRIMARY KEY (region_id, hospital_id, month, age_band, sex, stroke_type, severity_band, discipline)
);

-- Resource use by clinic and month (days before the refresh, in the clinic's time zone):
-- therapists' booked minutes against their shifts less leave, rooms' session minutes against
-- opening hours times sessions at once, pools' patient minutes against opening hours times places.
-- The patients whose sessions used the minutes are counted too: a month of a few patients is
-- withheld like any small cell.
CREATE TABLE report_utilisation (
    region_id uuid NOT NULL REFERENCES organisations (id),
    hospital_id uuid NOT NULL REFERENCES organisations (id),
    month date NOT NULL,
    resource text NOT NULL CHECK (resource IN ('therapists', 'rooms', 'pools')),
    available_minutes double precision NOT NULL,
    used_minutes double precision NOT NULL,
    patients integer NOT NULL,
    PRIMARY KEY (region_id, hospital_id, month, resource)
);

-- The refresh reads every organisation's records as the owner, only inside report_refresh_all:
-- it raises app.report_refresh and holds a row of report_refresh_running for its transaction.
-- A setting alone would not do — any session may set one — but no other session can see an
-- uncommitted row, nor write to this table, so no other owner-run function (an audit extract
-- called by the application) ever reads past row-level security.
CREATE TABLE report_refresh_running (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton)
);
REVOKE ALL ON report_refresh_running FROM PUBLIC;

ALTER POLICY patients_zz_report_refresh ON patients
    USING ((SELECT current_setting('app.report_refresh', true)) = 'on' AND (SELECT EXISTS (SELECT FROM report_refresh_running)));
ALTER POLICY stroke_episodes_zz_report_refresh ON stroke_episodes
    USING ((SELECT current_setting('app.report_refresh', true)) = 'on' AND (SELECT EXISTS (SELECT FROM report_refresh_running)));
REVOKE EXECUTE ON FUNCTION report_refresh(integer, integer) FROM strokepath_app;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['rehab_stays', 'rehab_prescriptions', 'rehab_sessions', 'rehab_participants', 'rehab_therapists',
                             'rehab_therapist_shifts', 'rehab_therapist_leave', 'rehab_rooms', 'rehab_room_hours', 'rehab_clinic_settings',
                             'recovery_observations', 'recovery_forecasts'] LOOP
        EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO strokepath_owner
                        USING ((SELECT current_setting(''app.report_refresh'', true)) = ''on''
                               AND (SELECT EXISTS (SELECT FROM report_refresh_running)))', t || '_zz_report_refresh', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['report_therapy', 'report_utilisation', 'report_cells_yearly'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO strokepath_planner
                        USING (region_id = ANY ((SELECT app_organisation_ids())::uuid[]) OR hospital_id = ANY ((SELECT app_organisation_ids())::uuid[]))',
                       t || '_caller', t);
        EXECUTE format('GRANT SELECT ON %I TO strokepath_planner', t);
    END LOOP;
END
$$;

-- Adds the rehabilitation and calibration counts to the cells report_refresh has just made in
-- this transaction (only report_refresh_all calls it). `modalities` and `disciplines` pair each
-- catalogue modality with its discipline. The FM-UE assessment nearest day 90 within
-- follow_up_from to follow_up_to days after onset is the observed value; the forecast held
-- against it is the latest for that patient and stroke made from observations before day
-- follow_up_from.
-- Returns the rehab episodes counted.
CREATE FUNCTION report_refresh_rehab(modalities text[], disciplines text[], follow_up_from integer, follow_up_to integer) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    counted bigint;
BEGIN
    PERFORM set_config('app.report_refresh', 'on', true);
    LOCK TABLE report_therapy, report_utilisation IN EXCLUSIVE MODE;
    TRUNCATE report_therapy, report_utilisation;
    DELETE FROM report_minutes WHERE measure = 'stroke_to_first_session';
    DELETE FROM report_minutes_yearly WHERE measure = 'stroke_to_first_session';

    -- Each organisation's site (a unit's hospital or clinic), region and time zone (its own
    -- clinic settings, else its site's; a name PostgreSQL does not know counts as UTC).
    CREATE TEMPORARY TABLE report_zones ON COMMIT DROP AS SELECT name FROM pg_timezone_names;
    CREATE TEMPORARY TABLE report_sites ON COMMIT DROP AS
    SELECT o.id AS organisation_id, site.id AS hospital_id, coalesce(r.id, site.id) AS region_id,
           coalesce((SELECT z.name FROM report_zones z WHERE z.name = own.time_zone),
                    (SELECT z.name FROM report_zones z WHERE z.name = inherited.time_zone), 'UTC') AS time_zone
    FROM organisations o
    JOIN organisations site ON site.id = CASE WHEN o.kind = 'unit' THEN o.parent_id ELSE o.id END
    LEFT JOIN organisations r ON r.id = site.parent_id AND r.kind = 'region'
    LEFT JOIN rehab_clinic_settings own ON own.organisation_id = o.id
    LEFT JOIN rehab_clinic_settings inherited ON inherited.organisation_id = site.id;

    -- Stays admitted by the refresh, each with its rehab episode (`cohort`: the first stay of
    -- the patient's stays at the site for one stroke) and the strata: age at the stroke, sex,
    -- stroke type, NIHSS at arrival of the patient's acute episode within 30 days of the stroke.
    CREATE TEMPORARY TABLE report_stays ON COMMIT DROP AS
    SELECT st.id AS stay_id, first_value(st.id) OVER (PARTITION BY st.patient_id, s.hospital_id, st.stroke_date ORDER BY st.admitted_on, st.id) AS cohort,
           st.organisation_id, s.hospital_id, s.region_id, s.time_zone, st.patient_id, st.stroke_date, st.admitted_on, st.discharge_on,
           least(coalesce(st.discharge_on, today.day), today.day) AS last_day,
           report_age_band(extract(year FROM st.stroke_date)::integer - p.birth_year) AS age_band, p.sex,
           st.stroke_type::stroke_type AS stroke_type, report_severity_band(episode.nihss_at_arrival) AS severity_band
    FROM rehab_stays st
    JOIN report_sites s ON s.organisation_id = st.organisation_id
    JOIN patients p ON p.id = st.patient_id
    CROSS JOIN LATERAL (SELECT (now() AT TIME ZONE s.time_zone)::date AS day) today
    LEFT JOIN LATERAL (
        SELECT e.nihss_at_arrival FROM stroke_episodes e
        CROSS JOIN LATERAL (SELECT abs(((coalesce(e.last_known_well, e.arrival_at, e.created_at) AT TIME ZONE s.time_zone)::date) - st.stroke_date) AS apart) gap
        WHERE e.patient_id = st.patient_id AND gap.apart <= 30
        ORDER BY gap.apart, e.id LIMIT 1
    ) episode ON true
    WHERE st.admitted_on <= today.day;

    -- Every place in a session that has ended, with its rehab episode: the stay of its
    -- prescription, else the patient's stay at the session's organisation on its day.
    CREATE TEMPORARY TABLE report_places ON COMMIT DROP AS
    SELECT st.cohort, se.modality, (lower(pa.during) AT TIME ZONE st.time_zone)::date AS day, pa.attendance, pa.minutes_delivered,
           pa.cancelled_at IS NOT NULL AND NOT pa.session_cancelled AS place_cancelled, pa.session_cancelled
    FROM rehab_participants pa
    JOIN rehab_sessions se ON se.id = pa.session_id
    LEFT JOIN rehab_prescriptions pr ON pr.id = pa.prescription_id
    JOIN report_stays st ON st.patient_id = pa.patient_id AND st.organisation_id = pa.organisation_id
     AND CASE WHEN pr.stay_id IS NOT NULL THEN pr.stay_id = st.stay_id
              ELSE (lower(pa.during) AT TIME ZONE st.time_zone)::date BETWEEN st.admitted_on AND coalesce(st.discharge_on, 'infinity') END
    WHERE upper(pa.during) <= now();

    -- One row per rehab episode: its cell (the strata of its first stay), days of stay, places
    -- and first attended day.
    CREATE TEMPORARY TABLE report_cohorts ON COMMIT DROP AS
    SELECT c.*, coalesce(pl.places, 0) AS places, coalesce(pl.attended, 0) AS attended, coalesce(pl.no_show, 0) AS no_show,
           coalesce(pl.place_cancelled, 0) AS place_cancelled, coalesce(pl.session_cancelled, 0) AS session_cancelled,
           pl.first_day - c.stroke_date AS to_first_session
    FROM (SELECT cohort, region_id, hospital_id, stroke_date, date_trunc('month', min(admitted_on))::date AS month,
                 (array_agg(age_band ORDER BY admitted_on, stay_id))[1] AS age_band, (array_agg(sex ORDER BY admitted_on, stay_id))[1] AS sex,
                 (array_agg(stroke_type ORDER BY admitted_on, stay_id))[1] AS stroke_type,
                 (array_agg(severity_band ORDER BY admitted_on, stay_id))[1] AS severity_band,
                 sum(last_day - admitted_on + 1)::integer AS patient_days
          FROM report_stays GROUP BY cohort, region_id, hospital_id, stroke_date) c
    LEFT JOIN (SELECT cohort, count(*) AS places, count(*) FILTER (WHERE attendance = 'attended') AS attended,
                      count(*) FILTER (WHERE attendance = 'no_show') AS no_show, count(*) FILTER (WHERE place_cancelled) AS place_cancelled,
                      count(*) FILTER (WHERE session_cancelled) AS session_cancelled, min(day) FILTER (WHERE attendance = 'attended') AS first_day
               FROM report_places GROUP BY cohort) pl ON pl.cohort = c.cohort;

    -- The latest forecast for each patient and stroke (onset) made from observations before the
    -- follow-up window, held against the FM-UE assessment nearest day 90 within it.
    CREATE TEMPORARY TABLE report_forecasts ON COMMIT DROP AS
    SELECT s.hospital_id, s.region_id, date_trunc('month', f.onset_at AT TIME ZONE 'UTC')::date AS month,
           report_age_band(extract(year FROM f.onset_at AT TIME ZONE 'UTC')::integer - p.birth_year) AS age_band, p.sex,
           coalesce(episode.stroke_type, 'unknown') AS stroke_type, report_severity_band(episode.nihss_at_arrival) AS severity_band,
           f.fm_day_90 - observed.value AS error, observed.value BETWEEN f.lower_day_90 AND f.upper_day_90 AS within_interval
    FROM (SELECT DISTINCT ON (patient_id, onset_at) * FROM recovery_forecasts
          WHERE last_observed_day < follow_up_from ORDER BY patient_id, onset_at, made_at DESC, id) f
    JOIN report_sites s ON s.organisation_id = f.organisation_id
    JOIN patients p ON p.id = f.patient_id
    JOIN LATERAL (
        SELECT o.value FROM recovery_observations o
        WHERE o.patient_id = f.patient_id AND o.instrument = 'FM-UE' AND o.withdrawn_at IS NULL
          AND o.observed_at BETWEEN f.onset_at + make_interval(days => follow_up_from) AND f.onset_at + make_interval(days => follow_up_to)
        ORDER BY abs(extract(epoch FROM o.observed_at - (f.onset_at + interval '90 days'))), o.id LIMIT 1
    ) observed ON true
    LEFT JOIN LATERAL (
        SELECT e.stroke_type, e.nihss_at_arrival FROM stroke_episodes e
        CROSS JOIN LATERAL (SELECT abs(extract(epoch FROM coalesce(e.last_known_well, e.arrival_at, e.created_at) - f.onset_at)) AS apart) gap
        WHERE e.patient_id = f.patient_id AND gap.apart <= 30 * 86400
        ORDER BY gap.apart, e.id LIMIT 1
    ) episode ON true;

    INSERT INTO report_cells (region_id, hospital_id, month, age_band, sex, stroke_type, severity_band, episodes, ischaemic, ivt, evt,
                              ivt_ischaemic, evt_ischaemic, reperfused_ischaemic, followed_up, mrs, onset_to_door_known,
                              door_to_imaging_known, door_to_needle_known, door_to_groin_known,
                              stays, stroke_to_first_session_known, stays_booked, patient_days, places, attended, no_show,
                              place_cancelled, session_cancelled, forecasts, fm_error_sum, fm_abs_error_sum, fm_within_interval)
    SELECT region_id, hospital_id, month, age_band, sex, stroke_type, severity_band, 0, 0, 0, 0, 0, 0, 0, 0, '{0,0,0,0,0,0,0}', 0, 0, 0, 0,
           sum(stays), sum(started), sum(booked), sum(patient_days), sum(places), sum(attended), sum(no_show), sum(place_cancelled),
           sum(session_cancelled), sum(forecasts), sum(error), sum(abs_error), sum(within_interval)
    FROM (SELECT region_id, hospital_id, month, age_band, sex, stroke_type, severity_band, 1 AS stays,
                 coalesce(to_first_session >= 0, false)::integer AS started, (places > 0)::integer AS booked, patient_days, places, attended,
                 no_show, place_cancelled, session_cancelled, 0 AS forecasts, 0::double precision AS error, 0::double precision AS abs_error,
                 0 AS within_interval
          FROM report_cohorts
          UNION ALL
          SELECT region_id, hospital_id, month, age_band, sex, stroke_type, severity_band, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                 1, error, abs(error), within_interval::integer
          FROM report_forecasts) rehab
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (region_id, hospital_id, month, age_band, sex, stroke_type, severity_band) DO UPDATE
    SET stays = EXCLUDED.stays, stroke_to_first_session_known = EXCLUDED.stroke_to_first_session_known, stays_booked = EXCLUDED.stays_booked,
        patient_days = EXCLUDED.patient_days, places = EXCLUDED.places, attended = EXCLUDED.attended, no_show = EXCLUDED.no_show,
        place_cancelled = EXCLUDED.place_cancelled, session_cancelled = EXCLUDED.session_cancelled, forecasts = EXCLUDED.forecasts,
        fm_error_sum = EXCLUDED.fm_error_sum, fm_abs_error_sum = EXCLUDED.fm_abs_error_sum, fm_within_interval = EXCLUDED.fm_within_interval;

    INSERT INTO report_minutes
    SELECT region_id, hospital_id, month, 'stroke_to_first_session', report_minute_bin(to_first_session), count(*)
    FROM report_cohorts WHERE to_first_session >= 0 GROUP BY 1, 2, 3, 5;
    INSERT INTO report_minutes_yearly
    SELECT region_id, hospital_id, date_trunc('year', month)::date, measure, minutes, sum(episodes)
    FROM report_minutes WHERE measure = 'stroke_to_first_session' GROUP BY 1, 2, 3, 4, 5;

    -- Prescribed minutes: a prescription's weekly minutes pro rata over the days of stay it
    -- covered (admission and the last day included, as the days of stay count them).
    INSERT INTO report_therapy
    SELECT c.region_id, c.hospital_id, c.month, c.age_band, c.sex, c.stroke_type, c.severity_band, t.discipline, sum(t.prescribed), sum(t.delivered)
    FROM (SELECT st.cohort, coalesce(disciplines[array_position(modalities, pr.modality)], 'other') AS discipline,
                 greatest(least(coalesce(pr.ends_on, st.last_day), st.last_day) - greatest(pr.starts_on, st.admitted_on) + 1, 0)
                     * pr.sessions_per_week * pr.session_minutes / 7.0 AS prescribed, 0 AS delivered
          FROM report_stays st JOIN rehab_prescriptions pr ON pr.stay_id = st.stay_id
          UNION ALL
          SELECT pl.cohort, coalesce(disciplines[array_position(modalities, pl.modality)], 'other'), 0, pl.minutes_delivered
          FROM report_places pl WHERE pl.attendance = 'attended') t
    JOIN report_cohorts c ON c.cohort = t.cohort
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

    -- Utilisation by month from a clinic's first session month to the day before the refresh
    -- (the current month so far), in the clinic's time zone. Shifts are the weekly roster of
    -- the therapists active now.
    CREATE TEMPORARY TABLE report_clinic_days ON COMMIT DROP AS
    SELECT s.organisation_id, s.hospital_id, s.region_id, s.time_zone, day::date AS day
    FROM (SELECT organisation_id, min(starts_at) AS first FROM rehab_sessions GROUP BY 1) span
    JOIN report_sites s ON s.organisation_id = span.organisation_id
    CROSS JOIN LATERAL generate_series(date_trunc('month', span.first AT TIME ZONE s.time_zone),
                                       ((now() AT TIME ZONE s.time_zone)::date - 1)::timestamp, interval '1 day') day;

    -- The sessions held (not cancelled) on those days: every session before today's date; the
    -- therapists' only for those on the roster (active now), as their shifts are.
    CREATE TEMPORARY TABLE report_held ON COMMIT DROP AS
    SELECT s.region_id, s.hospital_id, date_trunc('month', local.day)::date AS month, se.id, coalesce(t.active, false) AS with_therapist,
           r.room_type = 'pool' AS pool, extract(epoch FROM se.ends_at - se.starts_at) / 60 AS minutes
    FROM rehab_sessions se
    JOIN report_sites s ON s.organisation_id = se.organisation_id
    JOIN rehab_rooms r ON r.id = se.room_id
    LEFT JOIN rehab_therapists t ON t.id = se.therapist_id
    CROSS JOIN LATERAL (SELECT (se.starts_at AT TIME ZONE s.time_zone)::date AS day) local
    WHERE se.cancelled_at IS NULL AND local.day < (now() AT TIME ZONE s.time_zone)::date;

    INSERT INTO report_utilisation
    SELECT region_id, hospital_id, month, resource, sum(available), sum(used), coalesce(max(patients), 0)
    FROM (
        -- Therapists: shift minutes less leave (overlapping leave counted once).
        SELECT d.region_id, d.hospital_id, date_trunc('month', d.day)::date AS month, 'therapists' AS resource,
               extract(epoch FROM upper(shift.during) - lower(shift.during)) / 60 - coalesce(away.minutes, 0) AS available, 0 AS used,
               NULL::bigint AS patients
        FROM report_clinic_days d
        JOIN rehab_therapist_shifts sh ON sh.organisation_id = d.organisation_id AND sh.weekday = extract(isodow FROM d.day) - 1
        JOIN rehab_therapists t ON t.id = sh.therapist_id AND t.active
        CROSS JOIN LATERAL (SELECT tstzrange((d.day + sh.starts) AT TIME ZONE d.time_zone, (d.day + sh.ends) AT TIME ZONE d.time_zone) AS during) shift
        LEFT JOIN LATERAL (
            SELECT sum(extract(epoch FROM upper(part) - lower(part)) / 60) AS minutes
            FROM unnest((SELECT range_agg(l.during) FROM rehab_therapist_leave l WHERE l.therapist_id = sh.therapist_id AND l.during && shift.during)
                        * multirange(shift.during)) part
        ) away ON true
        UNION ALL
        -- Rooms and pools: opening minutes times sessions at once (rooms) or places (pools).
        SELECT d.region_id, d.hospital_id, date_trunc('month', d.day)::date, CASE WHEN r.room_type = 'pool' THEN 'pools' ELSE 'rooms' END,
               extract(epoch FROM h.closes - h.opens) / 60 * CASE WHEN r.room_type = 'pool' THEN r.capacity ELSE r.max_sessions END, 0, NULL
        FROM report_clinic_days d
        JOIN rehab_rooms r ON r.organisation_id = d.organisation_id
        JOIN rehab_room_hours h ON h.room_id = r.id AND h.weekday = extract(isodow FROM d.day) - 1
        UNION ALL
        -- Used: therapists' and rooms' session minutes, pools' patient minutes.
        SELECT held.region_id, held.hospital_id, held.month, taking.resource, 0,
               sum(held.minutes * CASE WHEN taking.resource = 'pools' THEN places.taken ELSE 1 END), NULL
        FROM report_held held
        CROSS JOIN LATERAL (SELECT count(*) AS taken FROM rehab_participants pa WHERE pa.session_id = held.id AND pa.cancelled_at IS NULL) places
        CROSS JOIN LATERAL (VALUES ('therapists', held.with_therapist), ('rooms', NOT held.pool), ('pools', held.pool)) taking(resource, applies)
        WHERE taking.applies
        GROUP BY 1, 2, 3, 4
        UNION ALL
        -- The patients behind the used minutes.
        SELECT held.region_id, held.hospital_id, held.month, taking.resource, 0, 0, count(DISTINCT pa.patient_id)
        FROM report_held held
        JOIN rehab_participants pa ON pa.session_id = held.id AND pa.cancelled_at IS NULL
        CROSS JOIN LATERAL (VALUES ('therapists', held.with_therapist), ('rooms', NOT held.pool), ('pools', held.pool)) taking(resource, applies)
        WHERE taking.applies
        GROUP BY 1, 2, 3, 4
    ) utilisation
    GROUP BY 1, 2, 3, 4;
    -- A clinic's month is withheld as a whole (one resource's minutes could be worked out from
    -- another's): every resource carries the fewest patients behind any resource's use.
    UPDATE report_utilisation u SET patients = month.fewest
    FROM (SELECT hospital_id, month, min(nullif(patients, 0)) AS fewest FROM report_utilisation GROUP BY 1, 2) month
    WHERE u.hospital_id = month.hospital_id AND u.month = month.month AND month.fewest IS NOT NULL;

    SELECT count(*) INTO counted FROM report_cohorts;
    PERFORM set_config('app.report_refresh', 'off', true);
    RETURN counted;
END
$$;
REVOKE ALL ON FUNCTION report_refresh_rehab(text[], text[], integer, integer) FROM PUBLIC;

-- Recomputes every report table: the acute cells (report_refresh, 0009) and their histograms
-- by stratum, then rehabilitation, utilisation and calibration, then the yearly cells; returns
-- the episodes and rehab episodes counted.
CREATE FUNCTION report_refresh_all(follow_up_from integer, follow_up_to integer, modalities text[], disciplines text[])
RETURNS TABLE (episodes bigint, stays bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    INSERT INTO report_refresh_running DEFAULT VALUES;
    episodes := report_refresh(follow_up_from, follow_up_to);
    -- report_refresh's episodes (report_facts, dropped at commit) by stratum and year.
    LOCK TABLE report_minutes_strata IN EXCLUSIVE MODE;
    TRUNCATE report_minutes_strata;
    INSERT INTO report_minutes_strata
    SELECT f.region_id, s.stratum, s.value, f.year, f.measure, f.minutes, sum(f.episodes)
    FROM (SELECT region_id, date_trunc('year', month)::date AS year, age_band, sex, stroke_type, severity_band, m.measure,
                 report_minute_bin(m.value) AS minutes, count(*) AS episodes
          FROM report_facts
          CROSS JOIN LATERAL (VALUES ('onset_to_door', onset_to_door), ('door_to_imaging', door_to_imaging),
                                     ('door_to_needle', door_to_needle), ('door_to_groin', door_to_groin)) AS m(measure, value)
          WHERE m.value >= 0
          GROUP BY 1, 2, 3, 4, 5, 6, 7, 8) f
    CROSS JOIN LATERAL (VALUES ('age_band', f.age_band::text), ('sex', f.sex), ('stroke_type', f.stroke_type::text),
                               ('severity_band', f.severity_band::text)) AS s(stratum, value)
    GROUP BY 1, 2, 3, 4, 5, 6;
    stays := report_refresh_rehab(modalities, disciplines, follow_up_from, follow_up_to);
    LOCK TABLE report_cells_yearly IN EXCLUSIVE MODE;
    TRUNCATE report_cells_yearly;
    INSERT INTO report_cells_yearly
    SELECT region_id, hospital_id, date_trunc('year', month)::date, age_band, sex, stroke_type, severity_band, sum(episodes), sum(ischaemic),
           sum(ivt), sum(evt), sum(ivt_ischaemic), sum(evt_ischaemic), sum(reperfused_ischaemic), sum(followed_up),
           ARRAY[sum(mrs[1]), sum(mrs[2]), sum(mrs[3]), sum(mrs[4]), sum(mrs[5]), sum(mrs[6]), sum(mrs[7])]::integer[],
           sum(onset_to_door_known), sum(door_to_imaging_known), sum(door_to_needle_known), sum(door_to_groin_known), sum(stays),
           sum(stroke_to_first_session_known), sum(stays_booked), sum(patient_days), sum(places), sum(attended), sum(no_show),
           sum(place_cancelled), sum(session_cancelled), sum(forecasts), sum(fm_error_sum), sum(fm_abs_error_sum), sum(fm_within_interval)
    FROM report_cells GROUP BY 1, 2, 3, 4, 5, 6, 7;
    DELETE FROM report_refresh_running;
    RETURN NEXT;
END
$$;
REVOKE ALL ON FUNCTION report_refresh_all(integer, integer, text[], text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION report_refresh_all(integer, integer, text[], text[]) TO strokepath_app;
