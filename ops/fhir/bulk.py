#!/usr/bin/env python3
"""A small FHIR Bulk Data client, written to the Bulk Data Access specification (v2), not to
this service: kick-off with `Prefer: respond-async`, polling the `Content-Location` as long as
the server answers 202 (waiting as `Retry-After` says), then every file of the manifest
downloaded with the access token (`requiresAccessToken`) and every NDJSON line parsed with
fhir.resources' R4B models (validate.py).

Usage: bulk.py BASE TOKEN PURPOSE [TYPES]
Prints "progress <X-Progress>" for each distinct progress seen, "file <Type> <count> <bytes>"
for each file (the manifest's count checked against the lines), then validate.py's
"count <Type> <n>" and "error ..." lines. Exits 1 when anything failed.
"""
import email.utils
import json
import os
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import validate


def get(url, token, headers=None):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def retry_after(headers):
    """Seconds to wait, as Retry-After says (seconds or an HTTP date), 1 when it says neither."""
    value = headers.get("Retry-After", "1")
    try:
        return max(float(value), 0)
    except ValueError:
        try:
            return max(email.utils.parsedate_to_datetime(value).timestamp() - time.time(), 0)
        except (TypeError, ValueError):
            return 1


def main(base, token, purpose, types=None):
    query = {"purpose": purpose, **({"_type": types} if types else {})}
    status, headers, body = get(
        f"{base}/$export?{urllib.parse.urlencode(query)}", token,
        {"Accept": "application/fhir+json", "Prefer": "respond-async"})
    if status != 202 or not headers.get("Content-Location"):
        print(f"kick-off answered {status}: {body[:500]!r}")
        return 1
    location, seen = headers["Content-Location"], None
    while True:
        status, headers, body = get(location, token, {"Accept": "application/json"})
        if status != 202:
            break
        if headers.get("X-Progress") != seen:
            seen = headers.get("X-Progress")
            print(f"progress {seen}")
        time.sleep(retry_after(headers))
    if status != 200:
        print(f"status answered {status}: {body[:500]!r}")
        return 1
    manifest = json.loads(body)
    for key in ("transactionTime", "request", "requiresAccessToken", "output", "error"):
        if key not in manifest:
            print(f"error manifest lacks {key}")
            return 1
    failed = False
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for output in manifest["output"]:
            status, headers, data = get(output["url"], token, {"Accept": "application/fhir+ndjson"})
            if status != 200:
                print(f"error {output['type']}: download answered {status}")
                failed = True
                continue
            lines = [line for line in data.decode("utf-8").split("\n") if line.strip()]
            kinds = {json.loads(line).get("resourceType") for line in lines}
            if len(lines) != output.get("count", len(lines)) or kinds - {output["type"]}:
                print(f"error {output['type']}: {len(lines)} lines of {sorted(kinds)}, the manifest says {output.get('count')}")
                failed = True
            print(f"file {output['type']} {len(lines)} {len(data)}")
            path = os.path.join(folder, f"{output['type']}.ndjson")
            with open(path, "wb") as handle:
                handle.write(data)
            paths.append(path)
        return validate.main(paths) or (1 if failed else 0)


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        print(__doc__)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
