#!/usr/bin/env python3
"""Validates FHIR JSON with fhir.resources' R4B models (the closest to R4 it ships).

Usage: validate.py FILE...   each FILE a resource or Bundle (.json) or NDJSON (.ndjson).
Every resource (a Bundle's entries each on their own too) is parsed with the model of its
resourceType; prints one line "count <Type> <n>" per type and "error <Type>/<id>: <reason>"
per failure; exits 1 when anything failed or nothing was read.
"""
import json
import sys
from collections import Counter

from fhir.resources.R4B import get_fhir_model_class


def resources(path):
    with open(path, encoding="utf-8") as handle:
        if path.endswith(".ndjson"):
            for number, line in enumerate(handle, 1):
                if line.strip():
                    yield json.loads(line)
        else:
            yield json.load(handle)


def check(resource, counts, errors):
    kind = resource.get("resourceType", "?")
    try:
        get_fhir_model_class(kind).model_validate(resource)
    except Exception as error:  # the model's own message names the field
        errors.append(f"error {kind}/{resource.get('id', '?')}: {str(error).splitlines()[0:3]}")
        return
    counts[kind] += 1
    if kind == "Bundle":
        for entry in resource.get("entry", []):
            check(entry["resource"], counts, errors)


def main(paths):
    counts, errors = Counter(), []
    for path in paths:
        for resource in resources(path):
            check(resource, counts, errors)
    for kind in sorted(counts):
        print(f"count {kind} {counts[kind]}")
    for error in errors:
        print(error)
    return 1 if errors or not counts else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
