#!/usr/bin/env python3
"""Drives StrokePath's FHIR façade with fhirclient (the SMART on FHIR Python client, whose models
are FHIR R4 4.0.1 and parse strictly): the CapabilityStatement, a patient search by pseudonym,
a type search followed page by page through its `next` links, Patient/$everything, and a
transaction as a hospital system sends it. Each answer is read into fhirclient's R4 models (an
element R4 does not have, or a required one missing, fails). Prints one line per step; exits 1 on
the first failure.

Usage: client.py BASE TOKEN PSEUDONYM [INTEGRATION-TOKEN BUNDLE-FILE]
"""
import json
import sys

from fhirclient import client
from fhirclient.models.bundle import Bundle
from fhirclient.models.observation import Observation
from fhirclient.models.patient import Patient


def server(base, token):
    smart = client.FHIRClient(settings={"app_id": "strokepath-tests", "api_base": base})
    smart.server.session.headers["Authorization"] = f"Bearer {token}"
    return smart.server


def main(base, token, pseudonym, integration=None, bundle_file=None):
    fhir = server(base, token)
    fhir.get_capability()
    served = sorted(resource.type for resource in fhir.capabilityStatement.rest[0].resource)
    print(f"capability: FHIR {fhir.capabilityStatement.fhirVersion}, {len(served)} types")

    patients = list(Patient.where(struct={"identifier": pseudonym}).perform_resources_iter(fhir))
    assert len(patients) == 1, f"{len(patients)} patients named {pseudonym}"
    patient = patients[0].id
    print(f"patient: {pseudonym} is Patient/{patient}")

    pages = list(Observation.where(struct={"patient": patient, "_count": "2"}).perform_iter(fhir))
    observations = [entry.resource for page in pages for entry in (page.entry or [])]
    assert pages and len(observations) == pages[0].total, f"{len(observations)} observations in {len(pages)} pages, total {pages[0].total}"
    assert all(isinstance(o, Observation) for o in observations)
    print(f"observations: {len(observations)} in {len(pages)} pages of 2")

    everything = Bundle(fhir.request_json(f"Patient/{patient}/$everything"))
    kinds = sorted({entry.resource.resource_type for entry in everything.entry})
    assert everything.total == len(everything.entry), "$everything is one page"
    print(f"everything: {everything.total} resources: {', '.join(kinds)}")

    if integration:
        sender = server(base, integration)
        with open(bundle_file, encoding="utf-8") as handle:
            sent = json.load(handle)
        answer = Bundle(sender.post_json("", sent).json())
        assert answer.type == "transaction-response", answer.type
        statuses = sorted({entry.response.status for entry in answer.entry})
        print(f"transaction: {len(answer.entry)} entries, {', '.join(statuses)}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) not in (4, 6):
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
