-- One line per report table: its name, rows and an md5 of its rows (each as JSON with its
-- numbers rounded to 6 decimals, for sums of doubles added in another order), sorted. Two
-- refreshes that give the same lines gave the same cells.
\set ON_ERROR_STOP on
\pset tuples_only on
\pset format unaligned
SELECT t.name || ' ' || s.rows || ' ' || s.digest
FROM unnest(ARRAY['report_cells', 'report_cells_yearly', 'report_minutes', 'report_minutes_yearly', 'report_minutes_strata',
                  'report_therapy', 'report_utilisation']) AS t(name)
CROSS JOIN LATERAL (
    SELECT (xpath('/row/c/text()', query_to_xml(format(
        $q$SELECT count(*) || ' ' || coalesce(md5(string_agg(r, E'\n' ORDER BY r)), '-') AS c FROM (
               SELECT (SELECT jsonb_object_agg(key, CASE WHEN jsonb_typeof(value) = 'number' THEN to_jsonb(round(value::text::numeric, 6))
                                                         ELSE value END)
                       FROM jsonb_each(to_jsonb(x)))::text AS r
               FROM %I x) rows$q$, t.name), false, true, '')))[1]::text AS line
) q
CROSS JOIN LATERAL (SELECT split_part(q.line, ' ', 1) AS rows, split_part(q.line, ' ', 2) AS digest) s
ORDER BY t.name;
