-- An organisation's acute guideline profile is its own choice, not a column default: NULL
-- means "the protocol's default" (Protocols/acute/profiles.json, aha-2026 since December
-- 2026), so a new organisation follows the current guideline and a later protocol release
-- moves it along. Organisations that hold a profile keep it; answers under a superseded
-- profile say that a newer one exists (clinical review 2026-12, E4).
ALTER TABLE organisations ALTER COLUMN acute_profile DROP DEFAULT;
ALTER TABLE organisations ALTER COLUMN acute_profile DROP NOT NULL;
