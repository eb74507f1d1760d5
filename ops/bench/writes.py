"""Writes at a steady rate through the service for the fault benchmarks (ops/bench/failover,
ops/bench/outage): acute evaluations and rehab bookings in turn, each sent when it is due
whether or not earlier ones have answered (open loop), each answer recorded as one JSON line:
kind, due and answered (seconds since the start, on the monotonic clock), HTTP status, the id
acknowledged and, for an evaluation, where it was kept (database or spool). A request that
hangs is given up after TIMEOUT seconds and recorded as status 0.

usage: writes.py BASE_URL CLINICIAN_TOKEN COORDINATOR_TOKEN CLINIC_IDS PRESENTATION SECONDS RATE OUT START_FILE [FIRST_BOOKING]
  CLINIC_IDS    the ids ops/bench/clinic.d/setup.py wrote (the Lua file)
  PRESENTATION  one acute presentation (JSON)
  START_FILE    written with the wall-clock time of the start, so a script can time a fault
  FIRST_BOOKING the number of the first booking (default 0): a second run in one database starts after the first's
"""
import json
import re
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

TIMEOUT = 10

base, clinician, coordinator, ids_file, presentation_file, seconds, rate, out, start_file = sys.argv[1:10]
seconds, rate = float(seconds), float(rate)
first_booking = int(sys.argv[10]) if len(sys.argv) > 10 else 0
ids = {name: re.findall(r'"([0-9a-fA-F-]{36})"', value)
       for name, value in re.findall(r'^(\w+) = (.*)$', open(ids_file).read(), re.M)}
clinic = ids["clinic"][0]
therapists, rooms, patients = ids["therapists"], ids["rooms"], ids["patients"]
presentation = open(presentation_file, "rb").read()
# Bookings from the day after tomorrow on, so that no run clashes with ops/bench/clinic's.
first_day = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=2)


def booking(i):
    """Booking i: day i // 400, slot (i % 400) // 40 of ten 45-minute slots from 08:00 UTC,
    therapist i % 40, patient (i % 40 + 40 * slot) % 240: no two share a patient or therapist."""
    day, rest = divmod(i, 400)
    slot, therapist = rest // 40, i % 40
    start = first_day + timedelta(days=day, hours=8, minutes=45 * slot)
    return {"organisationId": clinic, "modality": "PT", "therapistId": therapists[therapist], "roomId": rooms[therapist % 20],
            "start": start.strftime("%Y-%m-%dT%H:%M:%SZ"), "end": (start + timedelta(minutes=45)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "patients": [patients[(therapist + 40 * slot) % 240]]}


def send(kind, i, due, t0):
    if kind == "evaluation":
        path, token, body = "/api/v1/acute/evaluate", clinician, presentation
    else:
        path, token, body = "/api/v1/rehab/sessions", coordinator, json.dumps(booking(i)).encode()
    request = urllib.request.Request(base + path, method="POST", data=body,
                                     headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    record = {"kind": kind, "due": round(due, 4)}
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            answer = json.loads(response.read() or b"null")
            record["status"] = response.status
            record["id"] = answer.get("evaluation_id") or answer.get("session")
            record["kept"] = answer.get("stored")
    except urllib.error.HTTPError as error:
        record["status"] = error.code
        try:
            record["problem"] = json.loads(error.read()).get("type")
        except Exception:
            pass
    except Exception as error:
        record["status"] = 0
        record["problem"] = type(error).__name__
    record["answered"] = round(time.monotonic() - t0, 4)
    return record


records, lock = [], threading.Lock()
with open(start_file, "w") as f:
    f.write(f"{time.time():.3f}\n")
t0 = time.monotonic()
with ThreadPoolExecutor(max_workers=64) as pool:
    futures = []
    n = int(seconds * rate)
    for i in range(n):
        due = i / rate
        delay = t0 + due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        kind = "evaluation" if i % 2 == 0 else "booking"
        futures.append(pool.submit(send, kind, first_booking + i // 2, due, t0))
    for future in futures:
        records.append(future.result())
with open(out, "w") as f:
    for record in records:
        f.write(json.dumps(record) + "\n")
ok = sum(1 for r in records if r["status"] == 201)
print(f"writes: {len(records)} sent at {rate:g}/s for {seconds:g} s, {ok} acknowledged (201)", file=sys.stderr)
