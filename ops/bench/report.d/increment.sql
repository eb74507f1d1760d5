-- The bench's change between two refreshes, as the superuser (the report triggers note it as
-- they note the application's writes): new episodes, 1 % of those loaded, arriving in the last
-- four weeks (each a loaded episode's copy, moved in time, with a new patient and no 90-day
-- outcome yet), and the 90-day outcome recorded for the episodes of the month three months ago
-- that had none. Prints what it changed.
\set ON_ERROR_STOP on
BEGIN;
CREATE TEMPORARY TABLE bench_added ON COMMIT DROP AS
SELECT e.*, gen_random_uuid() AS new_patient, gen_random_uuid() AS new_episode,
       now() - random() * interval '28 days' - e.arrival_at AS shift
FROM stroke_episodes e TABLESAMPLE SYSTEM (1) REPEATABLE (19)
WHERE e.arrival_at IS NOT NULL;
INSERT INTO patients (organisation_id, id, pseudonym, birth_year, sex)
SELECT a.organisation_id, a.new_patient, 'BENCH-' || a.new_patient, p.birth_year, p.sex FROM bench_added a JOIN patients p ON p.id = a.patient_id;
INSERT INTO stroke_episodes (organisation_id, id, patient_id, stroke_type, last_known_well, arrival_at, nihss_at_arrival, imaging_at,
                             needle_at, thrombolytic, groin_puncture_at, reperfusion_at, mtici, arrival_mode)
SELECT organisation_id, new_episode, new_patient, stroke_type, last_known_well + shift, arrival_at + shift, nihss_at_arrival,
       imaging_at + shift, needle_at + shift, thrombolytic, groin_puncture_at + shift, reperfusion_at + shift, mtici, arrival_mode
FROM bench_added;
WITH followed AS (
    UPDATE stroke_episodes SET mrs_90 = 3
    WHERE mrs_90 IS NULL AND arrival_at >= date_trunc('month', now() - interval '3 months')
      AND arrival_at < date_trunc('month', now() - interval '2 months')
    RETURNING 1)
SELECT (SELECT count(*) FROM bench_added) AS "new episodes", (SELECT count(*) FROM followed) AS "90-day outcomes recorded";
COMMIT;
