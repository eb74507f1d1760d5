-- StrokePath foundation: organisations, pseudonymous patients, stroke episodes.
-- Run by the schema owner. The application connects as strokepath_app, which owns
-- nothing and gets only the privileges granted here.

CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE EXTENSION IF NOT EXISTS pgcrypto;

-- A region holds hospitals and rehabilitation clinics; those hold units
-- (stroke unit, emergency department, rehabilitation ward).
CREATE TYPE organisation_kind AS ENUM ('region', 'hospital', 'rehab_clinic', 'unit');

CREATE TABLE organisations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    parent_id uuid REFERENCES organisations (id),
    kind organisation_kind NOT NULL,
    code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now(),
    -- Regions are the roots; everything else sits inside something.
    CHECK ((kind = 'region') = (parent_id IS NULL)),
    CHECK (parent_id IS DISTINCT FROM id)
);
CREATE INDEX organisations_parent_idx ON organisations (parent_id);

-- Patients are pseudonymous: the pseudonym is the organisation's own reference; no names,
-- no national identifiers are stored.
CREATE TABLE patients (
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    pseudonym text NOT NULL CHECK (length(pseudonym) BETWEEN 1 AND 64),
    birth_year integer CHECK (birth_year BETWEEN 1900 AND 2100),
    sex text NOT NULL DEFAULT 'unknown' CHECK (sex IN ('female', 'male', 'other', 'unknown')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id),
    UNIQUE (organisation_id, pseudonym)
);

CREATE TYPE stroke_type AS ENUM ('ischaemic', 'haemorrhagic', 'tia', 'unknown');

CREATE TABLE stroke_episodes (
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    patient_id uuid NOT NULL REFERENCES patients (id),
    stroke_type stroke_type NOT NULL DEFAULT 'unknown',
    last_known_well timestamptz,
    onset_witnessed boolean,
    arrival_at timestamptz,
    nihss_at_arrival integer CHECK (nihss_at_arrival BETWEEN 0 AND 42),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id),
    CHECK (arrival_at IS NULL OR last_known_well IS NULL OR arrival_at >= last_known_well)
);
CREATE INDEX stroke_episodes_patient_idx ON stroke_episodes (patient_id);
CREATE INDEX stroke_episodes_org_arrival_idx ON stroke_episodes (organisation_id, arrival_at);

-- The application role reads and writes data but owns and alters nothing.
GRANT USAGE ON SCHEMA public TO strokepath_app;
GRANT SELECT ON schema_migrations TO strokepath_app;
GRANT SELECT, INSERT, UPDATE ON organisations, patients, stroke_episodes TO strokepath_app;
GRANT DELETE ON stroke_episodes TO strokepath_app;
