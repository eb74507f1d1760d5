-- Rehabilitation counted again only when what it counts may have changed (issue 19, item 5).
-- It was counted again at every refresh (0016): 2.3 of the 7-8 s an incremental refresh took
-- at ten million episodes. What it counts comes from the rehab tables, the forecasts and
-- assessments, the organisations, the patients and episodes of those with a rehab stay or a
-- forecast, the catalogue's disciplines, and the clock: the days of stay and of utilisation run
-- to each clinic's today, and a place counts once its session has ended. So rehabilitation is
-- counted again at a whole rebuild, when a statement changed one of those tables, when a
-- changed episode or patient is one of a patient with a stay or a forecast, when the
-- catalogue changed, when the date changed in a clinic's time zone, or when a place's session
-- ended since it was last counted; else the rehab counts stay as they are.
--
-- A later migration that changes what rehabilitation counts (report_refresh_rehab, its tables)
-- must end with `INSERT INTO report_rehab_changes DEFAULT VALUES`, as one that changes what an
-- episode's fact means ends with a row of report_changes (0016).

-- A statement that changed a table rehabilitation is counted from (a row each, taken by the
-- next refresh). Append-only without a key, as report_changes.
CREATE TABLE report_rehab_changes ();
REVOKE ALL ON report_rehab_changes FROM PUBLIC;

CREATE FUNCTION report_note_rehab() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
    INSERT INTO report_rehab_changes DEFAULT VALUES;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION report_note_rehab() FROM PUBLIC;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['rehab_stays', 'rehab_prescriptions', 'rehab_sessions', 'rehab_participants', 'rehab_therapists',
                             'rehab_therapist_shifts', 'rehab_therapist_leave', 'rehab_rooms', 'rehab_room_hours', 'rehab_clinic_settings',
                             'recovery_observations', 'recovery_forecasts', 'organisations'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I
                        FOR EACH STATEMENT EXECUTE FUNCTION report_note_rehab()', t || '_report_rehab_changed', t);
    END LOOP;
END
$$;
-- Counted again at the first refresh after this migration.
INSERT INTO report_rehab_changes DEFAULT VALUES;

-- A changed episode's patient (before and after the change), for rehabilitation to tell whether
-- it is one of a patient with a stay (the refresh alone may read the stays: the owner who
-- writes these rows under row-level security sees none). NULL in the rows noted before.
ALTER TABLE report_changes ADD COLUMN of_patient uuid;

CREATE OR REPLACE FUNCTION report_note_episodes() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
    CASE TG_OP
    WHEN 'INSERT' THEN
        INSERT INTO report_changes (episode_id, of_patient) SELECT id, patient_id FROM new_rows;
    WHEN 'DELETE' THEN
        INSERT INTO report_changes (episode_id, of_patient) SELECT id, patient_id FROM old_rows;
    ELSE
        -- Old ids too: an episode given another id (nothing does that, but nothing forbids it).
        INSERT INTO report_changes (episode_id, of_patient) SELECT id, patient_id FROM new_rows UNION SELECT id, patient_id FROM old_rows;
    END CASE;
    RETURN NULL;
END
$$;

-- When and from which catalogue (its modalities and their disciplines) rehabilitation was last
-- counted, and the first end of a place's session after that
-- (a place counts once its session has ended; a place booked or moved since is a change of
-- its own).
ALTER TABLE report_refreshes ADD COLUMN rehab_at timestamptz, ADD COLUMN rehab_modalities text[],
                             ADD COLUMN rehab_disciplines text[], ADD COLUMN rehab_next_end timestamptz;

-- Whether rehabilitation would count what it counted last (called by report_refresh_all, which
-- has taken report_changes into report_taken and report_rehab_changes, and reads as the
-- refresh): no rehab table changed since (nor since the refresh took the notes: a stay deleted
-- in between would hide its patient below), the same catalogue, no changed episode or patient
-- of a patient with a stay or a forecast (nor one noted without its patient), the same date in
-- every clinic's time zone (and UTC, which a clinic without a known zone counts in), and no
-- place whose session ended since (the first end after the last count not yet passed).
CREATE FUNCTION report_rehab_unchanged(modalities text[], disciplines text[]) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
    RETURN coalesce((
        SELECT r.rehab_at IS NOT NULL AND NOT EXISTS (SELECT FROM report_rehab_changes)
           AND r.rehab_modalities IS NOT DISTINCT FROM modalities AND r.rehab_disciplines IS NOT DISTINCT FROM disciplines
           AND NOT EXISTS (SELECT FROM report_taken t
                           WHERE (t.episode_id IS NOT NULL AND t.of_patient IS NULL)
                              OR coalesce(t.of_patient, t.patient_id) IN (SELECT s.patient_id FROM rehab_stays s
                                                                          UNION ALL SELECT f.patient_id FROM recovery_forecasts f))
           AND NOT EXISTS (SELECT FROM (SELECT 'UTC' AS zone
                                        UNION SELECT c.time_zone FROM rehab_clinic_settings c
                                        WHERE c.time_zone IN (SELECT z.name FROM pg_timezone_names z)) zones
                           WHERE (r.rehab_at AT TIME ZONE zones.zone)::date <> (now() AT TIME ZONE zones.zone)::date)
           AND (r.rehab_next_end IS NULL OR r.rehab_next_end > now())
        FROM report_refreshes r), false);
END
$$;
REVOKE ALL ON FUNCTION report_rehab_unchanged(text[], text[]) FROM PUBLIC;

-- Brings every report table up to date (0016), rehabilitation only when report_rehab_unchanged
-- says it may have changed; returns also whether it was counted again.
DROP FUNCTION report_refresh_all(integer, integer, text[], text[], boolean);
CREATE FUNCTION report_refresh_all(follow_up_from integer, follow_up_to integer, modalities text[], disciplines text[], whole boolean)
RETURNS TABLE (episodes bigint, stays bigint, recomputed bigint, rebuilt boolean, rehab boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    next_end timestamptz; -- the first end of a place's session after now, when rehabilitation is counted again
BEGIN
    INSERT INTO report_refresh_running DEFAULT VALUES;
    PERFORM set_config('app.report_refresh', 'on', true);
    -- Sorts and hashes of millions of rows: in memory, not in temporary files.
    PERFORM set_config('work_mem', '256MB', true);
    -- What changed since the last refresh (what commits while this one runs is left for the next).
    CREATE TEMPORARY TABLE report_taken (LIKE report_changes) ON COMMIT DROP;
    WITH taken AS (DELETE FROM report_changes RETURNING *) INSERT INTO report_taken SELECT * FROM taken;
    WITH taken AS (DELETE FROM report_rehab_changes RETURNING 1) SELECT count(*) > 0 INTO rehab FROM taken;
    rebuilt := whole
        OR NOT EXISTS (SELECT FROM report_refreshes r WHERE r.follow_up = int4range(follow_up_from, follow_up_to, '[]'))
        OR NOT EXISTS (SELECT FROM report_facts_ready)
        OR EXISTS (SELECT FROM report_taken t WHERE t.episode_id IS NULL AND t.patient_id IS NULL);
    -- Rehabilitation counted again (below) when what it counts may have changed.
    rehab := rebuilt OR rehab OR NOT report_rehab_unchanged(modalities, disciplines);
    -- A few thousand changed episodes need no compiled plans: compiling them would cost more
    -- than running them.
    IF NOT rebuilt THEN
        PERFORM set_config('jit', 'off', true);
    END IF;
    -- The report tables, in the order reports lock them (RegionalReports.report): a whole
    -- rebuild keeps reports waiting until it commits; an incremental one from when
    -- report_refresh_rehab empties the rehabilitation tables (TRUNCATE: an exclusive lock that
    -- reports wait for), or when rehabilitation is not counted again from its last statements
    -- (below), until it commits — which is also what keeps a report from reading some tables
    -- before this refresh commits and some after.
    IF rebuilt THEN
        LOCK TABLE report_cells, report_minutes, report_minutes_yearly, report_minutes_strata, report_therapy, report_utilisation,
                   report_cells_yearly IN ACCESS EXCLUSIVE MODE;
    ELSE
        LOCK TABLE report_cells, report_minutes, report_minutes_yearly, report_minutes_strata, report_therapy, report_utilisation,
                   report_cells_yearly IN EXCLUSIVE MODE;
    END IF;
    CREATE TEMPORARY TABLE report_changed ON COMMIT DROP AS
    SELECT episode_id FROM report_taken WHERE episode_id IS NOT NULL AND NOT rebuilt
    UNION
    SELECT e.id FROM stroke_episodes e WHERE e.patient_id IN (SELECT patient_id FROM report_taken) AND NOT rebuilt;
    ANALYZE report_changed;
    recomputed := report_refresh(follow_up_from, follow_up_to, rebuilt);

    -- Rehabilitation over again when what it counts may have changed, else as the last refresh
    -- counted it.
    IF rehab THEN
        -- Rehabilitation over again: the rehab counts of the cells that had any are cleared (their
        -- keys kept, with those that have rehab counts afterwards, for the yearly cells), the
        -- recomputed ones added, and cells left with nothing at all removed.
        CREATE TEMPORARY TABLE report_rehab_keys ON COMMIT DROP AS
        SELECT region_id, hospital_id, month, age_band, sex, stroke_type, severity_band FROM report_cells WITH NO DATA;
        WITH cleared AS (
            UPDATE report_cells
            SET stays = 0, stroke_to_first_session_known = 0, stays_booked = 0, patient_days = 0, places = 0, attended = 0, no_show = 0,
                place_cancelled = 0, session_cancelled = 0, forecasts = 0, fm_error_sum = 0, fm_abs_error_sum = 0, fm_within_interval = 0
            WHERE stays <> 0 OR forecasts <> 0
            RETURNING region_id, hospital_id, month, age_band, sex, stroke_type, severity_band)
        INSERT INTO report_rehab_keys SELECT * FROM cleared;
        stays := report_refresh_rehab(modalities, disciplines, follow_up_from, follow_up_to);
        INSERT INTO report_rehab_keys
        SELECT region_id, hospital_id, month, age_band, sex, stroke_type, severity_band FROM report_cells WHERE stays <> 0 OR forecasts <> 0;
        DELETE FROM report_cells c USING report_rehab_keys k
        WHERE (c.region_id, c.hospital_id, c.month, c.age_band, c.sex, c.stroke_type, c.severity_band)
              = (k.region_id, k.hospital_id, k.month, k.age_band, k.sex, k.stroke_type, k.severity_band)
          AND c.episodes = 0 AND c.stays = 0 AND c.forecasts = 0;

        -- The yearly cells of every key rehabilitation touched, summed again from their months.
        CREATE TEMPORARY TABLE report_yearly_keys ON COMMIT DROP AS
        SELECT DISTINCT region_id, hospital_id, date_trunc('year', month::timestamp)::date AS year, age_band, sex, stroke_type, severity_band FROM report_rehab_keys;
        DELETE FROM report_cells_yearly c USING report_yearly_keys k
        WHERE (c.region_id, c.hospital_id, c.month, c.age_band, c.sex, c.stroke_type, c.severity_band)
              = (k.region_id, k.hospital_id, k.year, k.age_band, k.sex, k.stroke_type, k.severity_band);
        INSERT INTO report_cells_yearly
        SELECT c.region_id, c.hospital_id, k.year, c.age_band, c.sex, c.stroke_type, c.severity_band, sum(c.episodes), sum(c.ischaemic),
               sum(c.ivt), sum(c.evt), sum(c.ivt_ischaemic), sum(c.evt_ischaemic), sum(c.reperfused_ischaemic), sum(c.followed_up),
               ARRAY[sum(c.mrs[1]), sum(c.mrs[2]), sum(c.mrs[3]), sum(c.mrs[4]), sum(c.mrs[5]), sum(c.mrs[6]), sum(c.mrs[7])]::integer[],
               sum(c.onset_to_door_known), sum(c.door_to_imaging_known), sum(c.door_to_needle_known), sum(c.door_to_groin_known), sum(c.stays),
               sum(c.stroke_to_first_session_known), sum(c.stays_booked), sum(c.patient_days), sum(c.places), sum(c.attended), sum(c.no_show),
               sum(c.place_cancelled), sum(c.session_cancelled), sum(c.forecasts), sum(c.fm_error_sum), sum(c.fm_abs_error_sum),
               sum(c.fm_within_interval), sum(c.ivt_arrivals), sum(c.evt_arrivals), sum(c.evt_direct), sum(c.evt_transfer), sum(c.in_hospital),
               sum(c.door_to_groin_direct_known), sum(c.door_to_groin_transfer_known)
        FROM report_yearly_keys k
        JOIN report_cells c ON (c.region_id, c.hospital_id, c.age_band, c.sex, c.stroke_type, c.severity_band)
                               = (k.region_id, k.hospital_id, k.age_band, k.sex, k.stroke_type, k.severity_band)
                           AND c.month >= k.year AND c.month < k.year + interval '1 year'
        GROUP BY 1, 2, 3, 4, 5, 6, 7;
    ELSE
        -- The rehab episodes as counted: one each in the cells.
        SELECT coalesce(sum(c.stays), 0) INTO stays FROM report_cells c;
    END IF;

    SELECT coalesce(sum(y.episodes), 0) INTO episodes FROM report_cells_yearly y;
    IF rehab THEN
        PERFORM set_config('app.report_refresh', 'on', true);
        SELECT min(upper(p.during)) INTO next_end FROM rehab_participants p WHERE upper(p.during) > now();
    ELSIF EXISTS (SELECT FROM report_changed) THEN
        -- No report reads some tables before this refresh commits and some after (reports lock
        -- report_cells first: one waiting here holds nothing this refresh needs), which the
        -- rehabilitation tables' TRUNCATE sees to when rehabilitation is counted again.
        LOCK TABLE report_cells IN ACCESS EXCLUSIVE MODE;
    END IF;
    INSERT INTO report_refreshes AS r (singleton, refreshed_at, episodes, follow_up, rehab_at, rehab_modalities, rehab_disciplines,
                                       rehab_next_end)
    VALUES (true, now(), episodes, int4range(follow_up_from, follow_up_to, '[]'), now(), modalities, disciplines, next_end)
    ON CONFLICT (singleton) DO UPDATE
    SET refreshed_at = EXCLUDED.refreshed_at, episodes = EXCLUDED.episodes, follow_up = EXCLUDED.follow_up,
        rehab_at = CASE WHEN rehab THEN EXCLUDED.rehab_at ELSE r.rehab_at END,
        rehab_modalities = CASE WHEN rehab THEN EXCLUDED.rehab_modalities ELSE r.rehab_modalities END,
        rehab_disciplines = CASE WHEN rehab THEN EXCLUDED.rehab_disciplines ELSE r.rehab_disciplines END,
        rehab_next_end = CASE WHEN rehab THEN EXCLUDED.rehab_next_end ELSE r.rehab_next_end END;
    INSERT INTO report_facts_ready DEFAULT VALUES ON CONFLICT DO NOTHING;
    PERFORM set_config('app.report_refresh', 'off', true);
    DELETE FROM report_refresh_running;
    RETURN NEXT;
END
$$;
REVOKE ALL ON FUNCTION report_refresh_all(integer, integer, text[], text[], boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION report_refresh_all(integer, integer, text[], text[], boolean) TO strokepath_app;
