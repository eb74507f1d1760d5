-- How the patient came to the hospital that holds the episode (clinical review 2026-12, I4):
--   direct       came from the scene or from home (ambulance or own transport);
--   transfer     transferred in from another hospital (e.g. for thrombectomy; the door is this
--                hospital's, the receiving hospital's);
--   in_hospital  the stroke began while already in this hospital (in-hospital onset): its
--                "arrival" time is not an arrival, so it has no door-to-needle or door-to-groin;
--   NULL         not recorded.
-- Registries (GWTG, SSNAP, RES-Q, Riksstroke) report in-hospital-onset strokes apart and measure
-- door to groin apart for transfers; Target: Stroke Phase III's door-to-device goals are 90
-- minutes for direct arrivals and 60 for transfers, the Australian 30/60/90 median target is for
-- direct presenters. An unrecorded mode stays in the all-arrival figures (door to needle, door to
-- groin) and is left out of the direct and transfer ones; only a recorded in_hospital leaves the
-- door intervals.
ALTER TABLE stroke_episodes
    ADD COLUMN arrival_mode text CHECK (arrival_mode IN ('direct', 'transfer', 'in_hospital'));
COMMENT ON COLUMN stroke_episodes.arrival_mode IS
    'direct, transfer (in from another hospital) or in_hospital (onset while in this hospital); NULL: not recorded';

-- The report cells count, besides the thrombolysed and thrombectomy episodes of any arrival
-- (ivt, evt: kept as they were), the door intervals' populations: those episodes less in-hospital
-- onset (ivt_arrivals, evt_arrivals), the thrombectomy episodes of direct arrivals and of
-- transfers, the in-hospital-onset episodes, and how many of the direct and transfer thrombectomy
-- episodes have a door-to-groin time.
ALTER TABLE report_cells
    ADD COLUMN ivt_arrivals integer NOT NULL DEFAULT 0,
    ADD COLUMN evt_arrivals integer NOT NULL DEFAULT 0,
    ADD COLUMN evt_direct integer NOT NULL DEFAULT 0,
    ADD COLUMN evt_transfer integer NOT NULL DEFAULT 0,
    ADD COLUMN in_hospital integer NOT NULL DEFAULT 0,
    ADD COLUMN door_to_groin_direct_known integer NOT NULL DEFAULT 0,
    ADD COLUMN door_to_groin_transfer_known integer NOT NULL DEFAULT 0;
ALTER TABLE report_cells_yearly
    ADD COLUMN ivt_arrivals integer NOT NULL DEFAULT 0,
    ADD COLUMN evt_arrivals integer NOT NULL DEFAULT 0,
    ADD COLUMN evt_direct integer NOT NULL DEFAULT 0,
    ADD COLUMN evt_transfer integer NOT NULL DEFAULT 0,
    ADD COLUMN in_hospital integer NOT NULL DEFAULT 0,
    ADD COLUMN door_to_groin_direct_known integer NOT NULL DEFAULT 0,
    ADD COLUMN door_to_groin_transfer_known integer NOT NULL DEFAULT 0;

-- Door to groin of direct arrivals and of transfers, in the histograms beside the others.
ALTER TABLE report_minutes DROP CONSTRAINT report_minutes_measure_check;
ALTER TABLE report_minutes ADD CONSTRAINT report_minutes_measure_check
    CHECK (measure IN ('onset_to_door', 'door_to_imaging', 'door_to_needle', 'door_to_groin', 'door_to_groin_direct',
                       'door_to_groin_transfer', 'stroke_to_first_session'));

-- report_refresh of 0009, with the arrival mode: door to needle and door to groin leave out
-- in-hospital onset (their population leaves them out too: ivt_arrivals, evt_arrivals), and door to
-- groin is also kept for direct arrivals and for transfers. Everything else as before.
CREATE OR REPLACE FUNCTION report_refresh(follow_up_from integer, follow_up_to integer) RETURNS bigint
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
           e.arrival_mode,
           minutes_between(e.last_known_well, e.arrival_at) AS onset_to_door, e.door_to_imaging_min AS door_to_imaging,
           CASE WHEN e.arrival_mode IS DISTINCT FROM 'in_hospital' THEN e.door_to_needle_min END AS door_to_needle,
           CASE WHEN e.arrival_mode IS DISTINCT FROM 'in_hospital' THEN e.door_to_groin_min END AS door_to_groin,
           CASE WHEN e.arrival_mode = 'direct' THEN e.door_to_groin_min END AS door_to_groin_direct,
           CASE WHEN e.arrival_mode = 'transfer' THEN e.door_to_groin_min END AS door_to_groin_transfer
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
    INSERT INTO report_cells (region_id, hospital_id, month, age_band, sex, stroke_type, severity_band, episodes, ischaemic, ivt, evt,
                              ivt_ischaemic, evt_ischaemic, reperfused_ischaemic, followed_up, mrs, onset_to_door_known,
                              door_to_imaging_known, door_to_needle_known, door_to_groin_known,
                              ivt_arrivals, evt_arrivals, evt_direct, evt_transfer, in_hospital,
                              door_to_groin_direct_known, door_to_groin_transfer_known)
    SELECT region_id, hospital_id, month, age_band, sex, stroke_type, severity_band, count(*),
           count(*) FILTER (WHERE stroke_type = 'ischaemic'), count(*) FILTER (WHERE ivt), count(*) FILTER (WHERE evt),
           count(*) FILTER (WHERE ivt AND stroke_type = 'ischaemic'), count(*) FILTER (WHERE evt AND stroke_type = 'ischaemic'),
           count(*) FILTER (WHERE (ivt OR evt) AND stroke_type = 'ischaemic'), count(mrs_90),
           ARRAY[count(*) FILTER (WHERE mrs_90 = 0), count(*) FILTER (WHERE mrs_90 = 1), count(*) FILTER (WHERE mrs_90 = 2),
                 count(*) FILTER (WHERE mrs_90 = 3), count(*) FILTER (WHERE mrs_90 = 4), count(*) FILTER (WHERE mrs_90 = 5),
                 count(*) FILTER (WHERE mrs_90 = 6)]::integer[],
           -- Counted as the histograms count them: a negative interval is not a known one.
           count(*) FILTER (WHERE onset_to_door >= 0), count(*) FILTER (WHERE door_to_imaging >= 0),
           count(*) FILTER (WHERE door_to_needle >= 0), count(*) FILTER (WHERE door_to_groin >= 0),
           count(*) FILTER (WHERE ivt AND arrival_mode IS DISTINCT FROM 'in_hospital'),
           count(*) FILTER (WHERE evt AND arrival_mode IS DISTINCT FROM 'in_hospital'),
           count(*) FILTER (WHERE evt AND arrival_mode = 'direct'), count(*) FILTER (WHERE evt AND arrival_mode = 'transfer'),
           count(*) FILTER (WHERE arrival_mode = 'in_hospital'),
           count(*) FILTER (WHERE door_to_groin_direct >= 0), count(*) FILTER (WHERE door_to_groin_transfer >= 0)
    FROM report_facts GROUP BY 1, 2, 3, 4, 5, 6, 7;
    INSERT INTO report_minutes
    SELECT region_id, hospital_id, month, measure, report_minute_bin(value), count(*)
    FROM report_facts,
         LATERAL (VALUES ('onset_to_door', onset_to_door), ('door_to_imaging', door_to_imaging),
                         ('door_to_needle', door_to_needle), ('door_to_groin', door_to_groin),
                         ('door_to_groin_direct', door_to_groin_direct), ('door_to_groin_transfer', door_to_groin_transfer)) AS m(measure, value)
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

-- report_refresh_all of 0010, with the two door-to-groin splits in the histograms by stratum and
-- the new counts in the yearly cells. Everything else as before.
CREATE OR REPLACE FUNCTION report_refresh_all(follow_up_from integer, follow_up_to integer, modalities text[], disciplines text[])
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
                                     ('door_to_needle', door_to_needle), ('door_to_groin', door_to_groin),
                                     ('door_to_groin_direct', door_to_groin_direct),
                                     ('door_to_groin_transfer', door_to_groin_transfer)) AS m(measure, value)
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
           sum(place_cancelled), sum(session_cancelled), sum(forecasts), sum(fm_error_sum), sum(fm_abs_error_sum), sum(fm_within_interval),
           sum(ivt_arrivals), sum(evt_arrivals), sum(evt_direct), sum(evt_transfer), sum(in_hospital),
           sum(door_to_groin_direct_known), sum(door_to_groin_transfer_known)
    FROM report_cells GROUP BY 1, 2, 3, 4, 5, 6, 7;
    DELETE FROM report_refresh_running;
    RETURN NEXT;
END
$$;
REVOKE ALL ON FUNCTION report_refresh_all(integer, integer, text[], text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION report_refresh_all(integer, integer, text[], text[]) TO strokepath_app;
