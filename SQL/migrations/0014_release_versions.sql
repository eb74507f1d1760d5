-- Versions of the regional releases (issue 17, H1; docs/reporting.md, "Versions"). Every
-- release a report has published is kept as its face — k, the withheld cells and every
-- published count — per region and cohort, in the order published. A later version is
-- protected against every earlier one, so no two versions differ by a group of 1 to k − 1
-- patients. Kept for ever: whoever read a version may keep it.
--
-- Only the reporting role reads and adds versions, through two functions that, like
-- report_release_cells, serve a region only to someone who reports for it in whole or part.
-- The table itself is the owner's: no role can change or delete a version.
CREATE TABLE report_release_versions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_id uuid NOT NULL REFERENCES organisations (id),
    cohort text NOT NULL CHECK (cohort ~ '^[a-z]{1,40}$'),
    refreshed_at timestamptz NOT NULL,
    k integer NOT NULL CHECK (k BETWEEN 2 AND 1000),
    face jsonb NOT NULL CHECK (jsonb_typeof(face) = 'object'),
    published_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX report_release_versions_region_idx ON report_release_versions (region_id, cohort, id);
REVOKE ALL ON report_release_versions FROM PUBLIC;

-- Whether the transaction's organisations report for `region` in whole or part.
CREATE FUNCTION app_reports_for(region uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    SELECT region = ANY (app_organisation_ids())
        OR EXISTS (SELECT 1 FROM organisations o WHERE o.parent_id = region AND o.id = ANY (app_organisation_ids()))
$$;
REVOKE ALL ON FUNCTION app_reports_for(uuid) FROM PUBLIC;

-- The versions of a region's releases, oldest first.
CREATE FUNCTION report_release_history(region uuid)
RETURNS TABLE (cohort text, refreshed_at timestamptz, k integer, face jsonb)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    SELECT v.cohort, v.refreshed_at, v.k, v.face FROM report_release_versions v
    WHERE v.region_id = region AND app_reports_for(region)
    ORDER BY v.id
$$;
REVOKE ALL ON FUNCTION report_release_history(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION report_release_history(uuid) TO strokepath_planner;

-- Records a version a report is about to publish (in the report's transaction: if the report
-- fails, so does the version).
CREATE FUNCTION report_release_publish(region uuid, cohort text, refreshed timestamptz, k integer, face jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
    IF NOT app_reports_for(region) THEN
        RAISE EXCEPTION 'not a region this caller reports for' USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO report_release_versions (region_id, cohort, refreshed_at, k, face) VALUES (region, cohort, refreshed, k, face);
END
$$;
REVOKE ALL ON FUNCTION report_release_publish(uuid, text, timestamptz, integer, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION report_release_publish(uuid, text, timestamptz, integer, jsonb) TO strokepath_planner;
