-- An organisation's acute guideline profile is its own choice, not a column default: NULL
-- means "the protocol's default" (Protocols/acute/profiles.json, aha-2026 since December
-- 2026), so a new organisation follows the current guideline and a later protocol release
-- moves it along (clinical review 2026-12, E4).
ALTER TABLE organisations ALTER COLUMN acute_profile DROP DEFAULT;
ALTER TABLE organisations ALTER COLUMN acute_profile DROP NOT NULL;

-- 'aha-2019' was written into every organisation by 0004's column default; nobody chose it.
-- An organisation that an administrator set (audited as an update of the Organisation)
-- keeps its choice, and its answers say that a newer profile exists; the others follow the
-- protocol's default from now on.
UPDATE organisations o SET acute_profile = NULL
WHERE o.acute_profile = 'aha-2019'
  AND NOT EXISTS (
      SELECT 1 FROM audit_events a
      WHERE a.resource_type = 'Organisation' AND a.action = 'update' AND a.outcome = 'success' AND lower(a.resource_id) = o.id::text
  );
