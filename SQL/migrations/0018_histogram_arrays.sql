-- The histograms as one row a key with its bins in two arrays, ascending minutes and their
-- episodes (none 0), rather than a row a bin: a full regional report read 340,000 bin rows
-- and grouped them (190 of its 310 ms at 10 million episodes); it now reads about 3,000
-- rows, a hospital's month or year and measure each, which the reader adds up as it added up
-- the arrays it was sent before. The bins kept so far become such rows here.
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT * FROM (VALUES ('report_minutes', 'region_id, hospital_id, month, measure', 'region_id, measure, hospital_id, month'),
                                   ('report_minutes_yearly', 'region_id, hospital_id, year, measure', 'region_id, measure, hospital_id, year'),
                                   ('report_minutes_strata', 'region_id, stratum, value, year, measure', 'region_id, stratum, value, measure, year'))
                           AS v(name, keys, primary_key) LOOP
        EXECUTE format('CREATE TEMPORARY TABLE report_arrays AS SELECT %2$s, array_agg(minutes ORDER BY minutes) AS minutes,
                               array_agg(episodes ORDER BY minutes) AS episodes FROM %1$I WHERE episodes <> 0 GROUP BY %2$s', t.name, t.keys);
        EXECUTE format('TRUNCATE %I', t.name);
        EXECUTE format('ALTER TABLE %1$I DROP CONSTRAINT %2$I, ALTER minutes TYPE smallint[] USING ARRAY[minutes],
                            ALTER episodes TYPE integer[] USING ARRAY[episodes], ADD CONSTRAINT %2$I PRIMARY KEY (%3$s),
                            ADD CONSTRAINT %4$I CHECK (cardinality(minutes) = cardinality(episodes) AND cardinality(minutes) > 0)',
                       t.name, t.name || '_pkey', t.primary_key, t.name || '_bins');
        EXECUTE format('INSERT INTO %1$I (%2$s, minutes, episodes) SELECT * FROM report_arrays ORDER BY %3$s', t.name, t.keys, t.primary_key);
        DROP TABLE report_arrays;
    END LOOP;
END
$$;

-- Adds the change of each bin, `changes` (a query of `keys`, minutes and episodes), to the
-- histograms of `target`. When `whole`, the table is empty and takes each key's bins as they
-- come (each bin of a key in one row, as a whole rebuild counts them); else each changed key's
-- row is replaced by its bins with the changes added (a bin in any number of rows), without
-- the bins that count no episode (and without the row when none is left).
CREATE FUNCTION report_add_minutes(target text, keys text, changes text, whole boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
    IF whole THEN
        EXECUTE format('INSERT INTO %1$I (%2$s, minutes, episodes)
                        SELECT %2$s, array_agg(minutes ORDER BY minutes), array_agg(episodes::integer ORDER BY minutes)
                        FROM (%3$s) c GROUP BY %2$s', target, keys, changes);
        RETURN;
    END IF;
    EXECUTE format($sql$
        CREATE TEMPORARY TABLE report_changed_keys ON COMMIT DROP AS SELECT DISTINCT %2$s FROM (%3$s) c;
        CREATE TEMPORARY TABLE report_merged_minutes ON COMMIT DROP AS
        SELECT %2$s, array_agg(minutes ORDER BY minutes) AS minutes, array_agg(episodes ORDER BY minutes) AS episodes
        FROM (SELECT %2$s, minutes, sum(episodes)::integer AS episodes
              FROM (SELECT %2$s, minutes, episodes FROM (%3$s) c
                    UNION ALL
                    SELECT %2$s, bin.minutes, bin.episodes
                    FROM %1$I t CROSS JOIN LATERAL unnest(t.minutes, t.episodes) AS bin(minutes, episodes)
                    WHERE (%2$s) IN (SELECT %2$s FROM report_changed_keys)) bins
              GROUP BY %2$s, minutes
              HAVING sum(episodes) <> 0) kept
        GROUP BY %2$s;
        DELETE FROM %1$I WHERE (%2$s) IN (SELECT %2$s FROM report_changed_keys);
        INSERT INTO %1$I (%2$s, minutes, episodes) SELECT %2$s, minutes, episodes FROM report_merged_minutes;
        DROP TABLE report_changed_keys, report_merged_minutes
        $sql$, target, keys, changes);
END
$$;
REVOKE ALL ON FUNCTION report_add_minutes(text, text, text, boolean) FROM PUBLIC;

-- As in 0017, but the histograms added by report_add_minutes.
CREATE OR REPLACE FUNCTION report_refresh(follow_up_from integer, follow_up_to integer, whole boolean) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    counted bigint;
    facts text;  -- the table of the facts counted now
    delta text;  -- the change: each fact with its sign, +1 counted now, -1 counted before
    binned text; -- the change of the histograms: each known interval of `delta` by minute bin
    memory text := current_setting('work_mem');
    sorting text := current_setting('maintenance_work_mem');
    nested text := current_setting('enable_nestloop');
    measures text[] := ARRAY['onset_to_door', 'door_to_imaging', 'door_to_needle', 'door_to_groin', 'door_to_groin_direct',
                             'door_to_groin_transfer'];
BEGIN
    PERFORM set_config('app.report_refresh', 'on', true);
    IF whole THEN
        TRUNCATE report_cells, report_minutes, report_minutes_yearly, report_minutes_strata, report_cells_yearly, report_episode_facts;
        ALTER TABLE report_episode_facts DROP CONSTRAINT report_episode_facts_pkey;
        -- Every episode with its patient: the patients hashed in memory (about 80 MB a million),
        -- not looked up one by one (which row-level security's estimates would otherwise choose).
        PERFORM set_config('enable_nestloop', 'off', true);
        PERFORM set_config('work_mem', '1GB', true);
        INSERT INTO report_episode_facts SELECT * FROM report_episode_facts_now;
        GET DIAGNOSTICS counted = ROW_COUNT;
        PERFORM set_config('enable_nestloop', nested, true);
        PERFORM set_config('work_mem', memory, true);
        -- The key built once, sorted in memory by parallel workers, not row by row.
        PERFORM set_config('maintenance_work_mem', '1GB', true);
        ALTER TABLE report_episode_facts ADD CONSTRAINT report_episode_facts_pkey PRIMARY KEY (episode_id);
        PERFORM set_config('maintenance_work_mem', sorting, true);
        facts := 'report_episode_facts';
    ELSE
        CREATE TEMPORARY TABLE report_new_facts ON COMMIT DROP AS
        SELECT * FROM report_episode_facts_now WHERE episode_id IN (SELECT episode_id FROM report_changed);
        GET DIAGNOSTICS counted = ROW_COUNT;
        facts := 'report_new_facts';
    END IF;
    EXECUTE format('ANALYZE %I', facts);
    -- The 90-day mRS of an episode without one: the assessment nearest day 90 in the window.
    EXECUTE format($sql$
        UPDATE %1$I f SET mrs_90 = assessed.value
        FROM (SELECT DISTINCT ON (e.id) e.id, o.value
              FROM %1$I n
              JOIN stroke_episodes e ON e.id = n.episode_id
              JOIN recovery_observations o ON o.patient_id = e.patient_id AND o.instrument = 'mRS' AND o.withdrawn_at IS NULL
               AND o.observed_at BETWEEN e.last_known_well + make_interval(days => $1) AND e.last_known_well + make_interval(days => $2)
              WHERE n.mrs_90 IS NULL
              ORDER BY e.id, abs(extract(epoch FROM o.observed_at - (e.last_known_well + interval '90 days'))), o.id) assessed
        WHERE f.episode_id = assessed.id
        $sql$, facts) USING follow_up_from, follow_up_to;

    IF whole THEN
        delta := 'SELECT *, 1 AS sign FROM report_episode_facts';
    ELSE
        -- The facts stored for the changed episodes, looked up by key as an array: a join would
        -- read all ten million of them.
        CREATE TEMPORARY TABLE report_old_facts ON COMMIT DROP AS
        SELECT s.* FROM report_episode_facts s WHERE s.episode_id = ANY ((SELECT array_agg(episode_id) FROM report_changed)::uuid[]);
        delta := 'SELECT *, 1 AS sign FROM report_new_facts UNION ALL SELECT *, -1 FROM report_old_facts';
    END IF;

    -- The cells by month, and by year summed from the months.
    EXECUTE format($sql$
        CREATE TEMPORARY TABLE report_cell_changes ON COMMIT DROP AS
        SELECT region_id, hospital_id, month, false AS yearly, age_band, sex, stroke_type, severity_band,
               sum(sign) AS episodes, sum(sign) FILTER (WHERE stroke_type = 'ischaemic') AS ischaemic, sum(sign) FILTER (WHERE ivt) AS ivt,
               sum(sign) FILTER (WHERE evt) AS evt, sum(sign) FILTER (WHERE ivt AND stroke_type = 'ischaemic') AS ivt_ischaemic,
               sum(sign) FILTER (WHERE evt AND stroke_type = 'ischaemic') AS evt_ischaemic,
               sum(sign) FILTER (WHERE (ivt OR evt) AND stroke_type = 'ischaemic') AS reperfused_ischaemic,
               sum(sign) FILTER (WHERE mrs_90 IS NOT NULL) AS followed_up,
               ARRAY[coalesce(sum(sign) FILTER (WHERE mrs_90 = 0), 0), coalesce(sum(sign) FILTER (WHERE mrs_90 = 1), 0),
                     coalesce(sum(sign) FILTER (WHERE mrs_90 = 2), 0), coalesce(sum(sign) FILTER (WHERE mrs_90 = 3), 0),
                     coalesce(sum(sign) FILTER (WHERE mrs_90 = 4), 0), coalesce(sum(sign) FILTER (WHERE mrs_90 = 5), 0),
                     coalesce(sum(sign) FILTER (WHERE mrs_90 = 6), 0)]::integer[] AS mrs,
               -- Counted as the histograms count them: a negative interval is not a known one.
               sum(sign) FILTER (WHERE onset_to_door >= 0) AS onset_to_door_known,
               sum(sign) FILTER (WHERE door_to_imaging >= 0) AS door_to_imaging_known,
               sum(sign) FILTER (WHERE door_to_needle >= 0) AS door_to_needle_known,
               sum(sign) FILTER (WHERE door_to_groin >= 0) AS door_to_groin_known,
               sum(sign) FILTER (WHERE ivt AND arrival_mode IS DISTINCT FROM 'in_hospital') AS ivt_arrivals,
               sum(sign) FILTER (WHERE evt AND arrival_mode IS DISTINCT FROM 'in_hospital') AS evt_arrivals,
               sum(sign) FILTER (WHERE evt AND arrival_mode = 'direct') AS evt_direct,
               sum(sign) FILTER (WHERE evt AND arrival_mode = 'transfer') AS evt_transfer,
               sum(sign) FILTER (WHERE arrival_mode = 'in_hospital') AS in_hospital,
               sum(sign) FILTER (WHERE door_to_groin_direct >= 0) AS door_to_groin_direct_known,
               sum(sign) FILTER (WHERE door_to_groin_transfer >= 0) AS door_to_groin_transfer_known
        FROM (%s) d
        GROUP BY region_id, hospital_id, month, age_band, sex, stroke_type, severity_band
        $sql$, delta);
    INSERT INTO report_cell_changes
    SELECT region_id, hospital_id, date_trunc('year', month::timestamp)::date, true, age_band, sex, stroke_type, severity_band,
           sum(episodes), sum(ischaemic), sum(ivt), sum(evt), sum(ivt_ischaemic), sum(evt_ischaemic), sum(reperfused_ischaemic),
           sum(followed_up), ARRAY[sum(mrs[1]), sum(mrs[2]), sum(mrs[3]), sum(mrs[4]), sum(mrs[5]), sum(mrs[6]), sum(mrs[7])]::integer[],
           sum(onset_to_door_known), sum(door_to_imaging_known), sum(door_to_needle_known), sum(door_to_groin_known), sum(ivt_arrivals),
           sum(evt_arrivals), sum(evt_direct), sum(evt_transfer), sum(in_hospital), sum(door_to_groin_direct_known),
           sum(door_to_groin_transfer_known)
    FROM report_cell_changes
    WHERE NOT yearly
    GROUP BY region_id, hospital_id, 3, age_band, sex, stroke_type, severity_band;
    PERFORM report_add_cells('report_cells', false, whole);
    PERFORM report_add_cells('report_cells_yearly', true, whole);

    -- The known intervals by minute bin, one branch a measure (cheaper than turning each fact
    -- into six rows), the measure counted by its number (cheaper to hash than its name): by
    -- hospital and month, and by year summed from the months; by region, year and the four
    -- strata together, and by each stratum summed from those.
    SELECT string_agg(format('SELECT region_id, hospital_id, month, age_band, sex, stroke_type, severity_band, %1$s::smallint AS measure,
                                     report_minute_bin(%2$I) AS minutes, sign
                              FROM (%3$s) d WHERE %2$I >= 0', number, name, delta), ' UNION ALL ')
    INTO binned
    FROM unnest(measures) WITH ORDINALITY AS m(name, number);
    EXECUTE format($sql$
        CREATE TEMPORARY TABLE report_minute_changes ON COMMIT DROP AS
        SELECT region_id, hospital_id, month AS period, false AS yearly, NULL::text AS stratum, NULL::text AS value,
               (%1$L::text[])[measure] AS measure, minutes, sum(sign) AS episodes
        FROM (%2$s) b
        GROUP BY region_id, hospital_id, month, b.measure, minutes
        $sql$, measures, binned);
    INSERT INTO report_minute_changes
    SELECT region_id, hospital_id, date_trunc('year', period::timestamp)::date, true, NULL, NULL, measure, minutes, sum(episodes)
    FROM report_minute_changes
    WHERE NOT yearly
    GROUP BY region_id, hospital_id, 3, measure, minutes;
    EXECUTE format($sql$
        CREATE TEMPORARY TABLE report_stratum_changes ON COMMIT DROP AS
        SELECT region_id, date_trunc('year', month::timestamp)::date AS year, age_band, sex, stroke_type, severity_band, measure, minutes,
               sum(sign) AS episodes
        FROM (%s) b
        GROUP BY region_id, 2, age_band, sex, stroke_type, severity_band, measure, minutes
        $sql$, binned);
    INSERT INTO report_minute_changes
    SELECT region_id, NULL, year, true,
           CASE WHEN GROUPING(age_band) = 0 THEN 'age_band' WHEN GROUPING(sex) = 0 THEN 'sex' WHEN GROUPING(stroke_type) = 0 THEN 'stroke_type'
                ELSE 'severity_band' END,
           coalesce(age_band::text, sex, stroke_type::text, severity_band::text), measures[measure], minutes, sum(episodes)
    FROM report_stratum_changes
    GROUP BY GROUPING SETS ((region_id, year, age_band, measure, minutes), (region_id, year, sex, measure, minutes),
                            (region_id, year, stroke_type, measure, minutes), (region_id, year, severity_band, measure, minutes));

    PERFORM report_add_minutes('report_minutes', 'region_id, hospital_id, month, measure',
                               'SELECT region_id, hospital_id, period AS month, measure, minutes, episodes FROM report_minute_changes
                                WHERE hospital_id IS NOT NULL AND NOT yearly', whole);
    PERFORM report_add_minutes('report_minutes_yearly', 'region_id, hospital_id, year, measure',
                               'SELECT region_id, hospital_id, period AS year, measure, minutes, episodes FROM report_minute_changes
                                WHERE hospital_id IS NOT NULL AND yearly', whole);
    PERFORM report_add_minutes('report_minutes_strata', 'region_id, stratum, value, year, measure',
                               'SELECT region_id, stratum, value, period AS year, measure, minutes, episodes FROM report_minute_changes
                                WHERE stratum IS NOT NULL', whole);
    IF NOT whole THEN
        DELETE FROM report_episode_facts WHERE episode_id = ANY ((SELECT array_agg(episode_id) FROM report_changed)::uuid[]);
        INSERT INTO report_episode_facts SELECT * FROM report_new_facts;
    END IF;
    PERFORM set_config('app.report_refresh', 'off', true);
    RETURN counted;
END
$$;

-- Rehabilitation as in 0017, the days to the first session added as histograms (their rows
-- deleted first: added as to an empty table), and each clinic day's weekday worked out once
-- as a number (matched to 2.2 million shifts and opening hours as a decimal: 0.5 of the 1.1 s
-- utilisation took at 10 million episodes).
CREATE OR REPLACE FUNCTION report_refresh_rehab(modalities text[], disciplines text[], follow_up_from integer, follow_up_to integer) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    counted bigint;
    nested text;
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
    -- prescription, else the patient's stay at the session's organisation on its day. Every
    -- place with its session and prescription hashed, not looked up one by one (which
    -- row-level security's estimates would otherwise choose).
    nested := current_setting('enable_nestloop');
    PERFORM set_config('enable_nestloop', 'off', true);
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
    PERFORM set_config('enable_nestloop', nested, true);

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

    PERFORM report_add_minutes('report_minutes', 'region_id, hospital_id, month, measure',
                               $sql$SELECT region_id, hospital_id, month, 'stroke_to_first_session' AS measure,
                                           report_minute_bin(to_first_session) AS minutes, count(*) AS episodes
                                    FROM report_cohorts WHERE to_first_session >= 0 GROUP BY 1, 2, 3, 5$sql$, true);
    PERFORM report_add_minutes('report_minutes_yearly', 'region_id, hospital_id, year, measure',
                               $sql$SELECT region_id, hospital_id, date_trunc('year', month)::date AS year, measure, bin.minutes,
                                           sum(bin.episodes) AS episodes
                                    FROM report_minutes CROSS JOIN LATERAL unnest(minutes, episodes) AS bin(minutes, episodes)
                                    WHERE measure = 'stroke_to_first_session' GROUP BY 1, 2, 3, 4, 5$sql$, true);

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
    SELECT s.organisation_id, s.hospital_id, s.region_id, s.time_zone, day::date AS day, extract(isodow FROM day)::integer - 1 AS weekday
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

    -- The roster, opening hours and sessions hashed, not scanned again for each of them (row-level
    -- security's estimates of a row each would otherwise choose that).
    PERFORM set_config('enable_nestloop', 'off', true);
    INSERT INTO report_utilisation
    SELECT region_id, hospital_id, month, resource, sum(available), sum(used), coalesce(max(patients), 0)
    FROM (
        -- Therapists: shift minutes less leave (overlapping leave counted once).
        SELECT d.region_id, d.hospital_id, date_trunc('month', d.day)::date AS month, 'therapists' AS resource,
               extract(epoch FROM upper(shift.during) - lower(shift.during)) / 60 - coalesce(away.minutes, 0) AS available, 0 AS used,
               NULL::bigint AS patients
        FROM report_clinic_days d
        JOIN rehab_therapist_shifts sh ON sh.organisation_id = d.organisation_id AND sh.weekday = d.weekday
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
        JOIN rehab_room_hours h ON h.room_id = r.id AND h.weekday = d.weekday
        UNION ALL
        -- Used: therapists' and rooms' session minutes, pools' patient minutes.
        SELECT held.region_id, held.hospital_id, held.month, taking.resource, 0,
               sum(held.minutes * CASE WHEN taking.resource = 'pools' THEN coalesce(places.taken, 0) ELSE 1 END), NULL
        FROM report_held held
        LEFT JOIN (SELECT session_id, count(*) AS taken FROM rehab_participants WHERE cancelled_at IS NULL GROUP BY session_id) places
               ON places.session_id = held.id
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
    PERFORM set_config('enable_nestloop', nested, true);
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
