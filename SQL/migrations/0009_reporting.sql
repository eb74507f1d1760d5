-- Regional reporting (issue 8): the 90-day outcome on the episode, the cells every report is
-- read from (counts and minute histograms by hospital, month and stratum — no patient, no
-- identifier), and the reporting role that can read only those. The role itself is a
-- cluster role made by ops/db: strokepath_planner, NOLOGIN, granted to strokepath_app, which
-- takes it (SET LOCAL ROLE) for every report.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'strokepath_planner') THEN
        RAISE EXCEPTION 'role strokepath_planner is missing: ops/db start creates it (NOLOGIN, granted to strokepath_app)';
    END IF;
END
$$;

-- The modified Rankin Scale 90 days after the stroke (6: dead); NULL: not followed up.
ALTER TABLE stroke_episodes ADD COLUMN mrs_90 smallint CHECK (mrs_90 BETWEEN 0 AND 6);

-- The smallest number of patients a published cell may be based on (k), per organisation;
-- NULL: the default of Protocols/indicators.
ALTER TABLE organisations ADD COLUMN report_min_cell smallint CHECK (report_min_cell BETWEEN 5 AND 20);
GRANT UPDATE (report_min_cell) ON organisations TO strokepath_app;

-- Strata: age band at the stroke (0 <55, 1 55-64, 2 65-74, 3 75-84, 4 85+, 5 unknown) and
-- NIHSS band at arrival (0 minor 0-4, 1 moderate 5-15, 2 moderate to severe 16-20,
-- 3 severe 21-42, 4 unknown).
CREATE FUNCTION report_age_band(age integer) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN age IS NULL THEN 5 WHEN age < 55 THEN 0 WHEN age < 65 THEN 1 WHEN age < 75 THEN 2 WHEN age < 85 THEN 3 ELSE 4 END::smallint $$;

CREATE FUNCTION report_severity_band(nihss integer) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN nihss IS NULL THEN 4 WHEN nihss <= 4 THEN 0 WHEN nihss <= 15 THEN 1 WHEN nihss <= 20 THEN 2 ELSE 3 END::smallint $$;

-- A minute interval's histogram bin: exact minutes below 3 hours, 10-minute bins to 24
-- hours, everything longer in the 24-hour bin.
CREATE FUNCTION report_minute_bin(minutes integer) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN minutes IS NULL OR minutes < 0 THEN NULL WHEN minutes < 180 THEN minutes
                  WHEN minutes < 1440 THEN minutes / 10 * 10 ELSE 1440 END::smallint $$;

-- Episodes counted by hospital, calendar month of arrival (UTC) and stratum.
CREATE TABLE report_cells (
    region_id uuid NOT NULL REFERENCES organisations (id),
    hospital_id uuid NOT NULL REFERENCES organisations (id),
    month date NOT NULL,
    age_band smallint NOT NULL,
    sex text NOT NULL,
    stroke_type stroke_type NOT NULL,
    severity_band smallint NOT NULL,
    episodes integer NOT NULL,
    ischaemic integer NOT NULL,
    -- Thrombolysed and thrombectomy episodes of any stroke type (the door-to-needle and
    -- door-to-groin populations), and the ischaemic ones (the treatment rates' numerators).
    ivt integer NOT NULL,
    evt integer NOT NULL,
    ivt_ischaemic integer NOT NULL,
    evt_ischaemic integer NOT NULL,
    reperfused_ischaemic integer NOT NULL,
    followed_up integer NOT NULL,
    -- Followed-up episodes in each 90-day mRS grade 0-6.
    mrs integer[] NOT NULL CHECK (cardinality(mrs) = 7),
    onset_to_door_known integer NOT NULL,
    door_to_imaging_known integer NOT NULL,
    door_to_needle_known integer NOT NULL,
    door_to_groin_known integer NOT NULL,
    PRIMARY KEY (region_id, hospital_id, month, age_band, sex, stroke_type, severity_band)
);

-- Interval histograms by hospital and month: episodes per minute bin of each measure.
CREATE TABLE report_minutes (
    region_id uuid NOT NULL REFERENCES organisations (id),
    hospital_id uuid NOT NULL REFERENCES organisations (id),
    month date NOT NULL,
    measure text NOT NULL CHECK (measure IN ('onset_to_door', 'door_to_imaging', 'door_to_needle', 'door_to_groin')),
    minutes smallint NOT NULL,
    episodes integer NOT NULL,
    PRIMARY KEY (region_id, measure, hospital_id, month, minutes)
);

-- The same histograms by calendar year, for reports by year or over all time.
CREATE TABLE report_minutes_yearly (
    region_id uuid NOT NULL REFERENCES organisations (id),
    hospital_id uuid NOT NULL REFERENCES organisations (id),
    year date NOT NULL,
    measure text NOT NULL,
    minutes smallint NOT NULL,
    episodes integer NOT NULL,
    PRIMARY KEY (region_id, measure, hospital_id, year, minutes)
);

-- When the cells were last computed, and from how many episodes.
CREATE TABLE report_refreshes (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    refreshed_at timestamptz NOT NULL,
    episodes bigint NOT NULL
);

-- While report_refresh runs (and only then: it sets app.report_refresh for its own duration),
-- the owner reads every patient and episode. PostgreSQL tries a table's permissive policies from
-- the last name to the first: named last, the cheap test is made before the per-row care check
-- (20 s instead of 35 s for a million episodes).
CREATE POLICY patients_zz_report_refresh ON patients FOR SELECT TO strokepath_owner
    USING ((SELECT current_setting('app.report_refresh', true)) = 'on');
CREATE POLICY stroke_episodes_zz_report_refresh ON stroke_episodes FOR SELECT TO strokepath_owner
    USING ((SELECT current_setting('app.report_refresh', true)) = 'on');

-- Recomputes the cells from every organisation's episodes; returns the number counted. The
-- 90-day mRS is the episode's own, else the mRS assessment nearest day 90 within
-- follow_up_from to follow_up_to days after last known well (Protocols/indicators).
CREATE FUNCTION report_refresh(follow_up_from integer, follow_up_to integer) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    counted bigint;
BEGIN
    PERFORM set_config('app.report_refresh', 'on', true);
    LOCK TABLE report_cells, report_minutes, report_minutes_yearly IN EXCLUSIVE MODE;
    TRUNCATE report_cells, report_minutes, report_minutes_yearly;
    CREATE TEMPORARY TABLE report_facts ON COMMIT DROP AS
    SELECT coalesce(r.id, h.id) AS region_id, h.id AS hospital_id,
           date_trunc('month', coalesce(e.arrival_at, e.last_known_well, e.created_at) AT TIME ZONE 'UTC')::date AS month,
           report_age_band(extract(year FROM coalesce(e.arrival_at, e.last_known_well, e.created_at) AT TIME ZONE 'UTC')::integer - p.birth_year) AS age_band,
           p.sex, e.stroke_type, report_severity_band(e.nihss_at_arrival) AS severity_band,
           e.needle_at IS NOT NULL AS ivt, e.groin_puncture_at IS NOT NULL AS evt, coalesce(e.mrs_90, assessed.value) AS mrs_90,
           minutes_between(e.last_known_well, e.arrival_at) AS onset_to_door, e.door_to_imaging_min AS door_to_imaging,
           e.door_to_needle_min AS door_to_needle, e.door_to_groin_min AS door_to_groin
    FROM stroke_episodes e
    JOIN patients p ON p.id = e.patient_id
    JOIN organisations o ON o.id = e.organisation_id
    JOIN organisations h ON h.id = CASE WHEN o.kind = 'unit' THEN o.parent_id ELSE o.id END
    LEFT JOIN organisations r ON r.id = h.parent_id AND r.kind = 'region'
    LEFT JOIN LATERAL (
        SELECT o.value FROM recovery_observations o
        WHERE e.mrs_90 IS NULL AND o.patient_id = e.patient_id AND o.instrument = 'mRS' AND o.withdrawn_at IS NULL
          AND o.observed_at BETWEEN e.last_known_well + make_interval(days => follow_up_from)
                                AND e.last_known_well + make_interval(days => follow_up_to)
        ORDER BY abs(extract(epoch FROM o.observed_at - (e.last_known_well + interval '90 days'))) LIMIT 1
    ) assessed ON true;
    INSERT INTO report_cells
    SELECT region_id, hospital_id, month, age_band, sex, stroke_type, severity_band, count(*),
           count(*) FILTER (WHERE stroke_type = 'ischaemic'), count(*) FILTER (WHERE ivt), count(*) FILTER (WHERE evt),
           count(*) FILTER (WHERE ivt AND stroke_type = 'ischaemic'), count(*) FILTER (WHERE evt AND stroke_type = 'ischaemic'),
           count(*) FILTER (WHERE (ivt OR evt) AND stroke_type = 'ischaemic'), count(mrs_90),
           ARRAY[count(*) FILTER (WHERE mrs_90 = 0), count(*) FILTER (WHERE mrs_90 = 1), count(*) FILTER (WHERE mrs_90 = 2),
                 count(*) FILTER (WHERE mrs_90 = 3), count(*) FILTER (WHERE mrs_90 = 4), count(*) FILTER (WHERE mrs_90 = 5),
                 count(*) FILTER (WHERE mrs_90 = 6)]::integer[],
           -- Counted as the histograms count them: a negative interval is not a known one.
           count(*) FILTER (WHERE onset_to_door >= 0), count(*) FILTER (WHERE door_to_imaging >= 0),
           count(*) FILTER (WHERE door_to_needle >= 0), count(*) FILTER (WHERE door_to_groin >= 0)
    FROM report_facts GROUP BY 1, 2, 3, 4, 5, 6, 7;
    INSERT INTO report_minutes
    SELECT region_id, hospital_id, month, measure, report_minute_bin(value), count(*)
    FROM report_facts,
         LATERAL (VALUES ('onset_to_door', onset_to_door), ('door_to_imaging', door_to_imaging),
                         ('door_to_needle', door_to_needle), ('door_to_groin', door_to_groin)) AS m(measure, value)
    WHERE value IS NOT NULL AND value >= 0
    GROUP BY 1, 2, 3, 4, 5;
    INSERT INTO report_minutes_yearly
    SELECT region_id, hospital_id, date_trunc('year', month)::date, measure, minutes, sum(episodes)
    FROM report_minutes GROUP BY 1, 2, 3, 4, 5;
    SELECT count(*) INTO counted FROM report_facts;
    INSERT INTO report_refreshes VALUES (true, now(), counted)
    ON CONFLICT (singleton) DO UPDATE SET refreshed_at = EXCLUDED.refreshed_at, episodes = EXCLUDED.episodes;
    PERFORM set_config('app.report_refresh', 'off', true);
    RETURN counted;
END
$$;
REVOKE ALL ON FUNCTION report_refresh(integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION report_refresh(integer, integer) TO strokepath_app;

-- Reports are read as strokepath_planner: the cells of the regions and hospitals the caller
-- acts for, and nothing else of the database. (Not forced: the owner writes the cells. The
-- caller's organisations are read once per query, as an init plan, not once per row.)
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['report_cells', 'report_minutes', 'report_minutes_yearly'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO strokepath_planner
                        USING (region_id = ANY ((SELECT app_organisation_ids())::uuid[]) OR hospital_id = ANY ((SELECT app_organisation_ids())::uuid[]))',
                       t || '_caller', t);
        EXECUTE format('GRANT SELECT ON %I TO strokepath_planner', t);
    END LOOP;
END
$$;
GRANT USAGE ON SCHEMA public TO strokepath_planner;
GRANT SELECT ON report_refreshes TO strokepath_planner;
GRANT SELECT (id, parent_id, kind, code, name, report_min_cell) ON organisations TO strokepath_planner;
