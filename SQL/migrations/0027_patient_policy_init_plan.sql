-- Reading a patient under row-level security cost about 13 µs a row (issue 22, item 4: a bulk
-- export of a million patients spent 13 s counting them): `patients_in_care` called
-- app_organisation_ids() for every row, parsing the transaction's list of organisations anew
-- each time. As a scalar subquery it is an init plan, read once per statement (as the report
-- cells' policies read it since 0009): the same rows pass, a million in 0.3 s. Every policy
-- that looks a patient up (episodes, evaluations, assessments, forecasts) gains with it.
ALTER POLICY patients_in_care ON patients
    USING (
        organisation_id = ANY ((SELECT app_organisation_ids())::uuid[])
        OR in_current_care(patients.id)
        OR EXISTS (
            SELECT 1 FROM break_glass_grants g
            WHERE g.patient_id = patients.id AND g.subject = app_subject() AND g.valid_until > now()
        )
    )
    WITH CHECK (organisation_id = ANY ((SELECT app_organisation_ids())::uuid[]));
