-- Incremental report refresh (issue 19, item 5). The acute cells and histograms are sums over
-- episodes, so a refresh need not count every episode again: it keeps each episode's
-- contribution (its facts: site, month, strata, treatments, outcome, intervals), and for the
-- episodes that changed since the last refresh subtracts what they contributed and adds what
-- they contribute now. A whole rebuild stays available, and is what the first refresh, a
-- changed follow-up window, a moved organisation or a lost facts table get. Rehabilitation is
-- recomputed every time: its open stays' days change with the day, and it is a small part of
-- the records (docs/reporting.md, "Refresh").
--
-- A later migration that changes what a fact means (report_episode_facts_now, the bands, the
-- bins, the cells' columns) must end with `INSERT INTO report_changes DEFAULT VALUES`: the next
-- refresh then rebuilds, instead of mixing facts counted by the old rules with the new. So must
-- anything that writes these tables with the triggers off (a restore with --disable-triggers).

-- What changed since the last refresh, written by the triggers below in the changing
-- transaction: an episode, or a patient (whose episodes' strata or 90-day mRS may have changed:
-- resolved to their episodes at the refresh, which alone reads every organisation), or — both
-- NULL — everything (an organisation moved, a bulk load). Append-only without a key, so that
-- writers never wait for one another; the refresh takes what it sees.
CREATE TABLE report_changes (
    episode_id uuid,
    patient_id uuid,
    CHECK (episode_id IS NULL OR patient_id IS NULL)
);
REVOKE ALL ON report_changes FROM PUBLIC;

CREATE FUNCTION report_note_episodes() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
    CASE TG_OP
    WHEN 'INSERT' THEN
        INSERT INTO report_changes (episode_id) SELECT id FROM new_rows;
    WHEN 'DELETE' THEN
        INSERT INTO report_changes (episode_id) SELECT id FROM old_rows;
    ELSE
        -- Old ids too: an episode given another id (nothing does that, but nothing forbids it).
        INSERT INTO report_changes (episode_id) SELECT id FROM new_rows UNION SELECT id FROM old_rows;
    END CASE;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION report_note_episodes() FROM PUBLIC;
CREATE TRIGGER stroke_episodes_report_inserted AFTER INSERT ON stroke_episodes
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_note_episodes();
CREATE TRIGGER stroke_episodes_report_updated AFTER UPDATE ON stroke_episodes
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_note_episodes();
CREATE TRIGGER stroke_episodes_report_deleted AFTER DELETE ON stroke_episodes
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_note_episodes();

-- A patient's birth year or sex (their episodes' strata).
CREATE FUNCTION report_note_patients() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
    INSERT INTO report_changes (patient_id)
    SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE (n.birth_year, n.sex) IS DISTINCT FROM (o.birth_year, o.sex);
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION report_note_patients() FROM PUBLIC;
CREATE TRIGGER patients_report_updated AFTER UPDATE ON patients
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_note_patients();

-- An mRS assessment recorded, corrected or withdrawn (the 90-day mRS of an episode without one).
CREATE FUNCTION report_note_assessments() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO report_changes (patient_id) SELECT DISTINCT patient_id FROM new_rows WHERE instrument = 'mRS';
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO report_changes (patient_id) SELECT DISTINCT patient_id FROM old_rows WHERE instrument = 'mRS';
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION report_note_assessments() FROM PUBLIC;
CREATE TRIGGER recovery_observations_report_inserted AFTER INSERT ON recovery_observations
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_note_assessments();
CREATE TRIGGER recovery_observations_report_updated AFTER UPDATE ON recovery_observations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_note_assessments();
CREATE TRIGGER recovery_observations_report_deleted AFTER DELETE ON recovery_observations
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_note_assessments();

-- An organisation given another parent or kind: its episodes' hospital or region may change.
CREATE FUNCTION report_note_organisations() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
    IF EXISTS (SELECT FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE (n.parent_id, n.kind) IS DISTINCT FROM (o.parent_id, o.kind)) THEN
        INSERT INTO report_changes DEFAULT VALUES;
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION report_note_organisations() FROM PUBLIC;
CREATE TRIGGER organisations_report_updated AFTER UPDATE ON organisations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_note_organisations();

-- A table the facts come from emptied at once: everything.
CREATE FUNCTION report_note_everything() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
    INSERT INTO report_changes DEFAULT VALUES;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION report_note_everything() FROM PUBLIC;
CREATE TRIGGER stroke_episodes_report_truncated AFTER TRUNCATE ON stroke_episodes FOR EACH STATEMENT EXECUTE FUNCTION report_note_everything();
CREATE TRIGGER patients_report_truncated AFTER TRUNCATE ON patients FOR EACH STATEMENT EXECUTE FUNCTION report_note_everything();
CREATE TRIGGER recovery_observations_report_truncated AFTER TRUNCATE ON recovery_observations
    FOR EACH STATEMENT EXECUTE FUNCTION report_note_everything();

-- Each episode's facts as the last refresh counted them. Derived, rebuilt from the episodes
-- at will, so unlogged: no WAL for ten million rows; emptied by a crash and absent on a
-- promoted standby, which report_facts_ready (unlogged too) tells the next refresh, which then
-- rebuilds everything. The owner's alone.
CREATE UNLOGGED TABLE report_episode_facts (
    episode_id uuid NOT NULL,
    region_id uuid NOT NULL,
    hospital_id uuid NOT NULL,
    month date NOT NULL,
    age_band smallint NOT NULL,
    sex text NOT NULL,
    stroke_type stroke_type NOT NULL,
    severity_band smallint NOT NULL,
    ivt boolean NOT NULL,
    evt boolean NOT NULL,
    mrs_90 smallint,
    arrival_mode text,
    onset_to_door integer,
    door_to_imaging integer,
    door_to_needle integer,
    door_to_groin integer,
    door_to_groin_direct integer,
    door_to_groin_transfer integer
);
ALTER TABLE report_episode_facts ADD CONSTRAINT report_episode_facts_pkey PRIMARY KEY (episode_id);
CREATE UNLOGGED TABLE report_facts_ready (singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton));
REVOKE ALL ON report_episode_facts, report_facts_ready FROM PUBLIC;

-- Each episode's facts now, as the report counts them (the 90-day mRS from an assessment is
-- added by the refresh, which knows the follow-up window). As the owner it shows rows only
-- while a refresh runs (the stroke_episodes_zz_report_refresh policy).
CREATE VIEW report_episode_facts_now AS
SELECT e.id AS episode_id, coalesce(r.id, h.id) AS region_id, h.id AS hospital_id, m.month,
       report_age_band(extract(year FROM m.month)::integer - p.birth_year) AS age_band,
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
JOIN organisations o ON o.id = e.organisation_id
JOIN organisations h ON h.id = CASE WHEN o.kind = 'unit' THEN o.parent_id ELSE o.id END
LEFT JOIN organisations r ON r.id = h.parent_id AND r.kind = 'region';
REVOKE ALL ON report_episode_facts_now FROM PUBLIC;

-- The report tables are derived from organisations the refresh has just read, and written
-- only by it: their foreign keys cost a check per row (seconds for millions of histogram rows)
-- and guard nothing.
DO $$
DECLARE
    k record;
BEGIN
    FOR k IN SELECT c.conrelid::regclass AS t, c.conname FROM pg_constraint c
             WHERE c.contype = 'f' AND c.conrelid::regclass::text IN ('report_cells', 'report_cells_yearly', 'report_minutes',
                                                                       'report_minutes_yearly', 'report_minutes_strata', 'report_therapy',
                                                                       'report_utilisation') LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', k.t, k.conname);
    END LOOP;
END
$$;

-- What a report reads: the cells (or histograms) with the calendar years from `years_from` to
-- `years_to` (first days; either NULL: none) from the yearly table — a twelfth of the rows — and every
-- other month from the monthly one (a report by year whose bounds cut a year: the published
-- months of the year not yet whole). Run as the caller (row-level security applies) and inlined by the planner, the
-- bounds folded into constants.
CREATE FUNCTION report_cells_in(years_from date, years_to date) RETURNS SETOF report_cells
LANGUAGE sql STABLE
AS $$
    SELECT * FROM report_cells_yearly WHERE month BETWEEN years_from AND years_to
    UNION ALL
    SELECT * FROM report_cells
    WHERE years_from IS NULL OR years_to IS NULL OR month < years_from OR month >= (years_to + interval '1 year')::date
$$;

CREATE FUNCTION report_minutes_in(years_from date, years_to date) RETURNS SETOF report_minutes
LANGUAGE sql STABLE
AS $$
    SELECT region_id, hospital_id, year, measure, minutes, episodes FROM report_minutes_yearly WHERE year BETWEEN years_from AND years_to
    UNION ALL
    SELECT * FROM report_minutes
    WHERE years_from IS NULL OR years_to IS NULL OR month < years_from OR month >= (years_to + interval '1 year')::date
$$;

-- The monthly rows of the year a report's bounds cut, found without reading every month.
CREATE INDEX report_cells_month_idx ON report_cells (month);
CREATE INDEX report_minutes_month_idx ON report_minutes (month);

-- Therapy minutes are kept by month only.
CREATE FUNCTION report_therapy_in(years_from date, years_to date) RETURNS SETOF report_therapy
LANGUAGE sql STABLE
AS $$ SELECT * FROM report_therapy $$;
REVOKE ALL ON FUNCTION report_cells_in(date, date), report_minutes_in(date, date), report_therapy_in(date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION report_cells_in(date, date), report_minutes_in(date, date), report_therapy_in(date, date) TO strokepath_planner;

-- The follow-up window the cells were counted with (NULL before this release: the first
-- refresh after it rebuilds everything).
ALTER TABLE report_refreshes ADD COLUMN follow_up int4range;

DROP FUNCTION report_refresh_all(integer, integer, text[], text[]);
DROP FUNCTION report_refresh(integer, integer);

-- The acute cells, histograms and histograms by stratum (monthly and yearly) brought up to
-- date: with `whole`, counted again from every episode; else the episodes in report_changed
-- (a temporary table report_refresh_all makes) have their stored facts subtracted and their
-- facts now added. Only report_refresh_all calls it, with every report table locked. Returns
-- the episodes counted again.
CREATE FUNCTION report_refresh(follow_up_from integer, follow_up_to integer, whole boolean) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    counted bigint;
BEGIN
    PERFORM set_config('app.report_refresh', 'on', true);
    IF whole THEN
        TRUNCATE report_cells, report_minutes, report_minutes_yearly, report_minutes_strata, report_cells_yearly, report_episode_facts;
        -- Every episode with its patient: hashed, not looked up one by one (which row-level
        -- security's estimates would otherwise choose).
        PERFORM set_config('enable_nestloop', 'off', true);
        CREATE TEMPORARY TABLE report_new_facts ON COMMIT DROP AS SELECT * FROM report_episode_facts_now;
        PERFORM set_config('enable_nestloop', 'on', true);
    ELSE
        CREATE TEMPORARY TABLE report_new_facts ON COMMIT DROP AS
        SELECT * FROM report_episode_facts_now WHERE episode_id IN (SELECT episode_id FROM report_changed);
    END IF;
    ANALYZE report_new_facts;
    -- The 90-day mRS of an episode without one: the assessment nearest day 90 in the window.
    UPDATE report_new_facts f SET mrs_90 = assessed.value
    FROM (SELECT DISTINCT ON (e.id) e.id, o.value
          FROM report_new_facts n
          JOIN stroke_episodes e ON e.id = n.episode_id
          JOIN recovery_observations o ON o.patient_id = e.patient_id AND o.instrument = 'mRS' AND o.withdrawn_at IS NULL
           AND o.observed_at BETWEEN e.last_known_well + make_interval(days => follow_up_from)
                                 AND e.last_known_well + make_interval(days => follow_up_to)
          WHERE n.mrs_90 IS NULL
          ORDER BY e.id, abs(extract(epoch FROM o.observed_at - (e.last_known_well + interval '90 days'))), o.id) assessed
    WHERE f.episode_id = assessed.id;

    -- The change: the facts now counted once, those stored counted minus once.
    -- (Looked up by key as an array: a join would read all ten million stored facts.)
    CREATE TEMPORARY TABLE report_old_facts ON COMMIT DROP AS
    SELECT s.* FROM report_episode_facts s WHERE s.episode_id = ANY ((SELECT array_agg(episode_id) FROM report_changed)::uuid[]) AND NOT whole;
    CREATE TEMPORARY VIEW report_delta AS
    SELECT *, 1 AS sign FROM report_new_facts UNION ALL SELECT *, -1 FROM report_old_facts;

    -- The cells by month and by year.
    CREATE TEMPORARY TABLE report_cell_changes ON COMMIT DROP AS
    SELECT region_id, hospital_id, coalesce(month, year) AS month, month IS NULL AS yearly, age_band, sex, stroke_type, severity_band,
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
           sum(sign) FILTER (WHERE onset_to_door >= 0) AS onset_to_door_known, sum(sign) FILTER (WHERE door_to_imaging >= 0) AS door_to_imaging_known,
           sum(sign) FILTER (WHERE door_to_needle >= 0) AS door_to_needle_known, sum(sign) FILTER (WHERE door_to_groin >= 0) AS door_to_groin_known,
           sum(sign) FILTER (WHERE ivt AND arrival_mode IS DISTINCT FROM 'in_hospital') AS ivt_arrivals,
           sum(sign) FILTER (WHERE evt AND arrival_mode IS DISTINCT FROM 'in_hospital') AS evt_arrivals,
           sum(sign) FILTER (WHERE evt AND arrival_mode = 'direct') AS evt_direct,
           sum(sign) FILTER (WHERE evt AND arrival_mode = 'transfer') AS evt_transfer,
           sum(sign) FILTER (WHERE arrival_mode = 'in_hospital') AS in_hospital,
           sum(sign) FILTER (WHERE door_to_groin_direct >= 0) AS door_to_groin_direct_known,
           sum(sign) FILTER (WHERE door_to_groin_transfer >= 0) AS door_to_groin_transfer_known
    FROM (SELECT d.*, date_trunc('year', d.month::timestamp)::date AS year FROM report_delta d) d
    GROUP BY GROUPING SETS ((region_id, hospital_id, month, age_band, sex, stroke_type, severity_band),
                            (region_id, hospital_id, year, age_band, sex, stroke_type, severity_band));
    PERFORM report_add_cells('report_cells', false, whole);
    PERFORM report_add_cells('report_cells_yearly', true, whole);

    -- The known intervals by minute bin: by hospital and month, by hospital and year, and by
    -- region, year and each stratum.
    CREATE TEMPORARY TABLE report_minute_changes ON COMMIT DROP AS
    SELECT region_id, hospital_id, coalesce(month, year) AS period, month IS NULL AS yearly,
           CASE WHEN age_band IS NOT NULL THEN 'age_band' WHEN sex IS NOT NULL THEN 'sex' WHEN stroke_type IS NOT NULL THEN 'stroke_type'
                WHEN severity_band IS NOT NULL THEN 'severity_band' END AS stratum,
           coalesce(age_band::text, sex, stroke_type::text, severity_band::text) AS value, measure, minutes, sum(sign) AS episodes
    FROM (SELECT d.region_id, d.hospital_id, d.month, date_trunc('year', d.month::timestamp)::date AS year, d.age_band, d.sex, d.stroke_type,
                 d.severity_band, m.measure, report_minute_bin(m.value) AS minutes, d.sign
          FROM report_delta d
          CROSS JOIN LATERAL (VALUES ('onset_to_door', d.onset_to_door), ('door_to_imaging', d.door_to_imaging),
                                     ('door_to_needle', d.door_to_needle), ('door_to_groin', d.door_to_groin),
                                     ('door_to_groin_direct', d.door_to_groin_direct),
                                     ('door_to_groin_transfer', d.door_to_groin_transfer)) AS m(measure, value)
          WHERE m.value >= 0
          OFFSET 0) binned -- the year and the bin computed once a row, not once a grouping
    GROUP BY GROUPING SETS ((region_id, hospital_id, month, measure, minutes), (region_id, hospital_id, year, measure, minutes),
                            (region_id, year, age_band, measure, minutes), (region_id, year, sex, measure, minutes),
                            (region_id, year, stroke_type, measure, minutes), (region_id, year, severity_band, measure, minutes));
    INSERT INTO report_minutes AS t
    SELECT region_id, hospital_id, period, measure, minutes, episodes FROM report_minute_changes WHERE hospital_id IS NOT NULL AND NOT yearly
    ON CONFLICT (region_id, measure, hospital_id, month, minutes) DO UPDATE SET episodes = t.episodes + EXCLUDED.episodes;
    INSERT INTO report_minutes_yearly AS t
    SELECT region_id, hospital_id, period, measure, minutes, episodes FROM report_minute_changes WHERE hospital_id IS NOT NULL AND yearly
    ON CONFLICT (region_id, measure, hospital_id, year, minutes) DO UPDATE SET episodes = t.episodes + EXCLUDED.episodes;
    INSERT INTO report_minutes_strata AS t
    SELECT region_id, stratum, value, period, measure, minutes, episodes FROM report_minute_changes WHERE stratum IS NOT NULL
    ON CONFLICT (region_id, stratum, value, measure, year, minutes) DO UPDATE SET episodes = t.episodes + EXCLUDED.episodes;
    IF NOT whole THEN
        -- Bins, histograms and cells nothing is counted in any more.
        DELETE FROM report_minutes t USING report_minute_changes c
        WHERE (t.region_id, t.hospital_id, t.month, t.measure, t.minutes) = (c.region_id, c.hospital_id, c.period, c.measure, c.minutes)
          AND c.hospital_id IS NOT NULL AND NOT c.yearly AND t.episodes = 0;
        DELETE FROM report_minutes_yearly t USING report_minute_changes c
        WHERE (t.region_id, t.hospital_id, t.year, t.measure, t.minutes) = (c.region_id, c.hospital_id, c.period, c.measure, c.minutes)
          AND c.hospital_id IS NOT NULL AND c.yearly AND t.episodes = 0;
        DELETE FROM report_minutes_strata t USING report_minute_changes c
        WHERE (t.region_id, t.stratum, t.value, t.year, t.measure, t.minutes) = (c.region_id, c.stratum, c.value, c.period, c.measure, c.minutes)
          AND t.episodes = 0;
        DELETE FROM report_episode_facts WHERE episode_id = ANY ((SELECT array_agg(episode_id) FROM report_changed)::uuid[]);
        INSERT INTO report_episode_facts SELECT * FROM report_new_facts;
    ELSE
        -- Ten million rows go in faster with the key built once afterwards.
        ALTER TABLE report_episode_facts DROP CONSTRAINT report_episode_facts_pkey;
        INSERT INTO report_episode_facts SELECT * FROM report_new_facts;
        ALTER TABLE report_episode_facts ADD CONSTRAINT report_episode_facts_pkey PRIMARY KEY (episode_id);
    END IF;
    SELECT count(*) INTO counted FROM report_new_facts;
    DROP VIEW report_delta;
    PERFORM set_config('app.report_refresh', 'off', true);
    RETURN counted;
END
$$;
REVOKE ALL ON FUNCTION report_refresh(integer, integer, boolean) FROM PUBLIC;

-- Adds report_cell_changes (made by report_refresh) to `target`, report_cells or
-- report_cells_yearly (`yearly`): the acute counts of each cell, a new cell for a new key;
-- removes cells nothing is counted in any more (none when `whole`: the table was empty).
CREATE FUNCTION report_add_cells(target text, yearly boolean, whole boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
    EXECUTE format($sql$
        INSERT INTO %1$I AS t (region_id, hospital_id, month, age_band, sex, stroke_type, severity_band, episodes, ischaemic, ivt, evt,
                               ivt_ischaemic, evt_ischaemic, reperfused_ischaemic, followed_up, mrs, onset_to_door_known,
                               door_to_imaging_known, door_to_needle_known, door_to_groin_known, ivt_arrivals, evt_arrivals, evt_direct,
                               evt_transfer, in_hospital, door_to_groin_direct_known, door_to_groin_transfer_known)
        SELECT region_id, hospital_id, month, age_band, sex, stroke_type, severity_band, episodes, coalesce(ischaemic, 0), coalesce(ivt, 0),
               coalesce(evt, 0), coalesce(ivt_ischaemic, 0), coalesce(evt_ischaemic, 0), coalesce(reperfused_ischaemic, 0),
               coalesce(followed_up, 0), mrs, coalesce(onset_to_door_known, 0), coalesce(door_to_imaging_known, 0),
               coalesce(door_to_needle_known, 0), coalesce(door_to_groin_known, 0), coalesce(ivt_arrivals, 0), coalesce(evt_arrivals, 0),
               coalesce(evt_direct, 0), coalesce(evt_transfer, 0), coalesce(in_hospital, 0), coalesce(door_to_groin_direct_known, 0),
               coalesce(door_to_groin_transfer_known, 0)
        FROM report_cell_changes WHERE yearly = %2$L
        ON CONFLICT (region_id, hospital_id, month, age_band, sex, stroke_type, severity_band) DO UPDATE
        SET episodes = t.episodes + EXCLUDED.episodes, ischaemic = t.ischaemic + EXCLUDED.ischaemic, ivt = t.ivt + EXCLUDED.ivt,
            evt = t.evt + EXCLUDED.evt, ivt_ischaemic = t.ivt_ischaemic + EXCLUDED.ivt_ischaemic,
            evt_ischaemic = t.evt_ischaemic + EXCLUDED.evt_ischaemic, reperfused_ischaemic = t.reperfused_ischaemic + EXCLUDED.reperfused_ischaemic,
            followed_up = t.followed_up + EXCLUDED.followed_up,
            mrs = ARRAY[t.mrs[1] + EXCLUDED.mrs[1], t.mrs[2] + EXCLUDED.mrs[2], t.mrs[3] + EXCLUDED.mrs[3], t.mrs[4] + EXCLUDED.mrs[4],
                        t.mrs[5] + EXCLUDED.mrs[5], t.mrs[6] + EXCLUDED.mrs[6], t.mrs[7] + EXCLUDED.mrs[7]],
            onset_to_door_known = t.onset_to_door_known + EXCLUDED.onset_to_door_known,
            door_to_imaging_known = t.door_to_imaging_known + EXCLUDED.door_to_imaging_known,
            door_to_needle_known = t.door_to_needle_known + EXCLUDED.door_to_needle_known,
            door_to_groin_known = t.door_to_groin_known + EXCLUDED.door_to_groin_known, ivt_arrivals = t.ivt_arrivals + EXCLUDED.ivt_arrivals,
            evt_arrivals = t.evt_arrivals + EXCLUDED.evt_arrivals, evt_direct = t.evt_direct + EXCLUDED.evt_direct,
            evt_transfer = t.evt_transfer + EXCLUDED.evt_transfer, in_hospital = t.in_hospital + EXCLUDED.in_hospital,
            door_to_groin_direct_known = t.door_to_groin_direct_known + EXCLUDED.door_to_groin_direct_known,
            door_to_groin_transfer_known = t.door_to_groin_transfer_known + EXCLUDED.door_to_groin_transfer_known
        $sql$, target, yearly);
    IF whole THEN
        RETURN;
    END IF;
    EXECUTE format($sql$
        DELETE FROM %1$I t USING report_cell_changes c
        WHERE (t.region_id, t.hospital_id, t.month, t.age_band, t.sex, t.stroke_type, t.severity_band)
              = (c.region_id, c.hospital_id, c.month, c.age_band, c.sex, c.stroke_type, c.severity_band)
          AND c.yearly = %2$L AND t.episodes = 0 AND t.stays = 0 AND t.forecasts = 0
        $sql$, target, yearly);
END
$$;
REVOKE ALL ON FUNCTION report_add_cells(text, boolean, boolean) FROM PUBLIC;

-- Brings every report table up to date: the acute counts of the episodes changed since the
-- last refresh (of every episode when `whole`, on the first refresh, when the follow-up window
-- changed, when an organisation moved or after a bulk load or a crash), then rehabilitation,
-- utilisation and calibration (all of them), and the yearly cells rehabilitation touched.
-- Returns the episodes and rehab episodes counted, the episodes counted again and whether
-- every one was.
CREATE FUNCTION report_refresh_all(follow_up_from integer, follow_up_to integer, modalities text[], disciplines text[], whole boolean)
RETURNS TABLE (episodes bigint, stays bigint, recomputed bigint, rebuilt boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    INSERT INTO report_refresh_running DEFAULT VALUES;
    PERFORM set_config('app.report_refresh', 'on', true);
    -- Sorts and hashes of millions of rows: in memory, not in temporary files.
    PERFORM set_config('work_mem', '256MB', true);
    -- What changed since the last refresh (what commits while this one runs is left for the next).
    CREATE TEMPORARY TABLE report_taken (LIKE report_changes) ON COMMIT DROP;
    WITH taken AS (DELETE FROM report_changes RETURNING *) INSERT INTO report_taken SELECT * FROM taken;
    rebuilt := whole
        OR NOT EXISTS (SELECT FROM report_refreshes r WHERE r.follow_up = int4range(follow_up_from, follow_up_to, '[]'))
        OR NOT EXISTS (SELECT FROM report_facts_ready)
        OR EXISTS (SELECT FROM report_taken t WHERE t.episode_id IS NULL AND t.patient_id IS NULL);
    -- A few thousand changed episodes need no compiled plans: compiling them would cost more
    -- than running them.
    IF NOT rebuilt THEN
        PERFORM set_config('jit', 'off', true);
    END IF;
    -- The report tables, in the order reports lock them (RegionalReports.report): a whole
    -- rebuild keeps reports waiting until it commits; an incremental one from when
    -- report_refresh_rehab empties the rehabilitation tables (TRUNCATE: an exclusive lock that
    -- reports wait for) until it commits — which is also what keeps a report from reading some
    -- tables before this refresh commits and some after.
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

    SELECT coalesce(sum(y.episodes), 0) INTO episodes FROM report_cells_yearly y;
    INSERT INTO report_refreshes VALUES (true, now(), episodes, int4range(follow_up_from, follow_up_to, '[]'))
    ON CONFLICT (singleton) DO UPDATE SET refreshed_at = EXCLUDED.refreshed_at, episodes = EXCLUDED.episodes, follow_up = EXCLUDED.follow_up;
    INSERT INTO report_facts_ready DEFAULT VALUES ON CONFLICT DO NOTHING;
    PERFORM set_config('app.report_refresh', 'off', true);
    DELETE FROM report_refresh_running;
    RETURN NEXT;
END
$$;
REVOKE ALL ON FUNCTION report_refresh_all(integer, integer, text[], text[], boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION report_refresh_all(integer, integer, text[], text[], boolean) TO strokepath_app;
