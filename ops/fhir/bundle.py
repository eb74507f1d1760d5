#!/usr/bin/env python3
"""Writes a FHIR R4 transaction Bundle as a hospital system sends one (to standard output).

Usage: bundle.py --organisation UUID [--patients N] [--observations M] [--prefix P] [--bad-observation K]

Each patient: a Patient (pseudonym P-<i>), an Encounter (the acute episode, arrival 70 minutes
after onset), a Condition (ischaemic stroke, witnessed onset), a thrombolysis Procedure and its
alteplase MedicationAdministration, and M Observations (NIHSS, mRS, Barthel, FM-UE in turn, a
day apart from the day after the stroke), every one with the sender's identifier and
ifNoneExist, so a resend creates nothing. --bad-observation K gives the K-th observation a
value off its scale (NIHSS 99).
"""
import argparse
import json
import sys
import uuid
from datetime import datetime, timedelta, timezone

SENDER = "urn:oid:1.2.752.129.2.1.4.1"
ONSET = datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc)
# (LOINC or local code, system, a value on its scale)
ASSESSMENTS = [
    ("http://loinc.org", "72089-6", 7), ("http://loinc.org", "75859-9", 3), ("http://loinc.org", "96761-2", 55),
    ("https://strokepath.se/fhir/CodeSystem/strokepath", "observation.fm_ue", 31),
]


def when(minutes):
    return (ONSET + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def entry(resource, url=None, identifier=None):
    request = {"method": "POST", "url": resource["resourceType"]}
    if identifier:
        request["ifNoneExist"] = f"identifier={identifier[0]}|{identifier[1]}"
    item = {"resource": resource, "request": request}
    if url:
        item["fullUrl"] = url
    return item


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--organisation", required=True)
    parser.add_argument("--patients", type=int, default=100)
    parser.add_argument("--observations", type=int, default=10)
    parser.add_argument("--prefix", default="HIS")
    parser.add_argument("--bad-observation", type=int, default=-1)
    options = parser.parse_args()
    entries, count = [], 0
    for i in range(options.patients):
        patient_url, encounter_url = f"urn:uuid:{uuid.uuid4()}", f"urn:uuid:{uuid.uuid4()}"
        pseudonym = f"{options.prefix}-{i:05d}"
        entries.append(entry({
            "resourceType": "Patient", "identifier": [{"value": pseudonym}], "gender": "female" if i % 2 else "male", "birthDate": str(1940 + i % 40),
            "managingOrganization": {"reference": f"Organization/{options.organisation}"},
        }, patient_url))
        encounter_id = (SENDER, f"{pseudonym}-E1")
        entries.append(entry({
            "resourceType": "Encounter", "status": "finished", "identifier": [{"system": encounter_id[0], "value": encounter_id[1]}],
            "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "ACUTE"},
            "subject": {"reference": patient_url}, "period": {"start": when(70)},
        }, encounter_url, encounter_id))
        entries.append(entry({
            "resourceType": "Condition", "subject": {"reference": patient_url}, "encounter": {"reference": encounter_url},
            "code": {"coding": [{"system": "http://snomed.info/sct", "code": "422504002"}]}, "onsetDateTime": when(0),
        }))
        entries.append(entry({
            "resourceType": "Procedure", "status": "completed", "subject": {"reference": patient_url}, "encounter": {"reference": encounter_url},
            "code": {"coding": [{"system": "http://snomed.info/sct", "code": "472191000119101"}]}, "performedDateTime": when(105),
        }))
        entries.append(entry({
            "resourceType": "MedicationAdministration", "status": "completed", "subject": {"reference": patient_url},
            "context": {"reference": encounter_url}, "effectiveDateTime": when(105),
            "medicationCodeableConcept": {"coding": [{"system": "http://www.whocc.no/atc", "code": "B01AD02"}]},
        }))
        for k in range(options.observations):
            system, code, value = ASSESSMENTS[k % len(ASSESSMENTS)]
            if count == options.bad_observation:
                system, code, value = "http://loinc.org", "72089-6", 99
            identifier = (SENDER, f"{pseudonym}-O{k}")
            entries.append(entry({
                "resourceType": "Observation", "status": "final", "identifier": [{"system": identifier[0], "value": identifier[1]}],
                "code": {"coding": [{"system": system, "code": code}]}, "subject": {"reference": patient_url},
                "effectiveDateTime": when(1440 * (k + 1)), "valueQuantity": {"value": value}, "performer": [{"display": "PT Anna"}],
            }, None, identifier))
            count += 1
    json.dump({"resourceType": "Bundle", "type": "transaction", "entry": entries}, sys.stdout)


if __name__ == "__main__":
    main()
