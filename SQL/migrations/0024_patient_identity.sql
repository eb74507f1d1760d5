-- Names where care needs them (issue 21, item 3): a patient's identity — the name staff and
-- letters use, the personal identity number, the language the patient reads, how to reach
-- them — kept apart from the pseudonymous clinical rows, in its own table. Only the care staff
-- of the patient's organisations read it (clinicians, rehab coordinators, therapists; whoever
-- sees the patient row under its policy: the organisation, a current care relationship, a
-- clinician's break-glass grant); clinicians and coordinators write it. Planners (who read
-- report cells only), auditors and administrators never do: the policy names the roles,
-- fail-closed for any other or none. Reports, the synthetic data and the exports never read
-- this table; every read is audited by the service (`PatientIdentities`).
CREATE TABLE patient_identities (
    patient_id uuid PRIMARY KEY REFERENCES patients (id),
    display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200 AND display_name !~ '[[:cntrl:]]'),
    -- Swedish personnummer or samordningsnummer, 12 digits (century included, no dash);
    -- the check digit is verified by the service.
    personal_number text CHECK (personal_number ~ '^[0-9]{12}$'),
    preferred_language text NOT NULL DEFAULT 'sv' CHECK (preferred_language IN ('sv', 'en')),
    phone text CHECK (phone ~ '^\+?[0-9][0-9 -]{3,30}$'),
    email text CHECK (length(email) <= 254 AND email ~ '^[^@[:space:][:cntrl:]]+@[^@[:space:][:cntrl:]]+$'),
    postal_address text CHECK (length(postal_address) <= 300),
    updated_at timestamptz NOT NULL DEFAULT now()
);
-- Not unique: a uniqueness check runs outside row-level security, so it would tell any writer
-- whether a person is a patient anywhere; and two organisations may each register the same person.
CREATE INDEX patient_identities_personal_number_idx ON patient_identities (personal_number) WHERE personal_number IS NOT NULL;

ALTER TABLE patient_identities ENABLE ROW LEVEL SECURITY;
ALTER TABLE patient_identities FORCE ROW LEVEL SECURITY;
-- The patient row's own policy decides whose patient it is (the subquery runs under it).
CREATE POLICY patient_identities_care ON patient_identities
    USING (
        app_role() IN ('clinician', 'rehab_coordinator', 'therapist')
        AND EXISTS (SELECT 1 FROM patients p WHERE p.id = patient_identities.patient_id)
    )
    WITH CHECK (
        app_role() IN ('clinician', 'rehab_coordinator')
        AND EXISTS (SELECT 1 FROM patients p WHERE p.id = patient_identities.patient_id AND p.organisation_id = ANY (app_organisation_ids()))
    );
GRANT SELECT, INSERT, UPDATE ON patient_identities TO strokepath_app;

-- A rehab clinic's contact details, for the letters that go to its patients.
ALTER TABLE rehab_clinic_settings
    ADD COLUMN address text NOT NULL DEFAULT '' CHECK (length(address) <= 300),
    ADD COLUMN phone text NOT NULL DEFAULT '' CHECK (length(phone) <= 40);
