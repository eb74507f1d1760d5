-- Minutes between two times and an episode's year worked out in floating point rather than as
-- decimals (issue 19, item 5): the same whole numbers, for less of a whole rebuild's facts
-- (PostgreSQL 14 made extract() return numeric, whose division and rounding cost more than the
-- rest of the expression; the facts of 10.1 million episodes took 22.4 s against 24.7 s, back to
-- back, within this machine's variance). The minutes are rounded half away from zero as
-- round(numeric) rounds them: below a billion seconds (31 years) a difference of whole
-- microseconds is at least 1/60,000,000 of a minute from a half, far above double precision's
-- error there, and an exact half is exact in it; a longer difference is worked out as before
-- (MinutesBetweenTests compares both forms). The generated minute columns of the episodes keep
-- their values.
CREATE OR REPLACE FUNCTION minutes_between(from_time timestamptz, to_time timestamptz) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN abs(date_part('epoch', to_time - from_time)) < 1e9::double precision
                THEN trunc(date_part('epoch', to_time - from_time) / 60 + 0.5 * sign(date_part('epoch', to_time - from_time)))::integer
                ELSE round(extract(epoch FROM (to_time - from_time)) / 60)::integer END
$$;

-- As in 0017, the year of the month as a whole number without a decimal.
CREATE OR REPLACE VIEW report_episode_facts_now AS
SELECT e.id AS episode_id, s.region_id, s.hospital_id, m.month,
       report_age_band(date_part('year', m.month)::integer - p.birth_year) AS age_band,
       p.sex, e.stroke_type, report_severity_band(e.nihss_at_arrival) AS severity_band,
       e.needle_at IS NOT NULL AS ivt, e.groin_puncture_at IS NOT NULL AS evt, e.mrs_90, e.arrival_mode,
       minutes_between(e.last_known_well, e.arrival_at) AS onset_to_door, e.door_to_imaging_min AS door_to_imaging,
       CASE WHEN e.arrival_mode IS DISTINCT FROM 'in_hospital' THEN e.door_to_needle_min END AS door_to_needle,
       CASE WHEN e.arrival_mode IS DISTINCT FROM 'in_hospital' THEN e.door_to_groin_min END AS door_to_groin,
       CASE WHEN e.arrival_mode = 'direct' THEN e.door_to_groin_min END AS door_to_groin_direct,
       CASE WHEN e.arrival_mode = 'transfer' THEN e.door_to_groin_min END AS door_to_groin_transfer
FROM stroke_episodes e
CROSS JOIN LATERAL (SELECT date_trunc('month', coalesce(e.arrival_at, e.last_known_well, e.created_at) AT TIME ZONE 'UTC')::date AS month) m
JOIN patients p ON p.id = e.patient_id
JOIN (SELECT o.id AS organisation_id, coalesce(r.id, h.id) AS region_id, h.id AS hospital_id
      FROM organisations o
      JOIN organisations h ON h.id = CASE WHEN o.kind = 'unit' THEN o.parent_id ELSE o.id END
      LEFT JOIN organisations r ON r.id = h.parent_id AND r.kind = 'region'
      OFFSET 0) s ON s.organisation_id = e.organisation_id;
