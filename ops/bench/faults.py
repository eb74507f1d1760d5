"""Reads what ops/bench/writes.py recorded against what the database holds afterwards, for the
fault benchmarks. Prints the writes acknowledged and found, the answers by status, the seconds
from the fault to the first booking completed after the first write that failed (a booking is never spooled: it is on
the database that answers), the error rate from SETTLED seconds after the service's database
came back, and last `lost: N`.

usage: faults.py RECORDS START_FILE FAULT_EPOCH BACK_EPOCH SETTLED EVALUATION_IDS SESSION_IDS
  FAULT_EPOCH  when the fault began (wall clock); BACK_EPOCH when the database was back (or -)
  *_IDS        the ids the database holds afterwards, one a line
"""
import collections
import json
import sys

records_file, start_file, fault, back, settled, evaluation_ids, session_ids = sys.argv[1:8]
start = float(open(start_file).read())
fault = float(fault) - start
back = None if back == "-" else float(back) - start
settled = float(settled)
records = [json.loads(line) for line in open(records_file)]
stored = {"evaluation": set(open(evaluation_ids).read().split()), "booking": set(open(session_ids).read().split())}

acknowledged = [r for r in records if r["status"] == 201 and r.get("id")]
lost = [r for r in acknowledged if r["id"].lower() not in stored[r["kind"]]]
for kind in ("evaluation", "booking"):
    mine = [r for r in acknowledged if r["kind"] == kind]
    spooled = sum(1 for r in mine if r.get("kept") == "spool")
    extra = f" ({spooled} through the spool)" if kind == "evaluation" else ""
    print(f"{kind}s acknowledged: {len(mine)}{extra}, found afterwards: {len(mine) - sum(1 for r in lost if r['kind'] == kind)}")
statuses = collections.Counter((r["kind"], r["status"], r.get("problem")) for r in records)
for (kind, status, problem), count in sorted(statuses.items(), key=lambda item: (item[0][0], item[0][1])):
    print(f"  {kind} {status}{' ' + problem if problem else ''}: {count}")
print(f"answers 500: {sum(1 for r in records if r['status'] == 500)}, hung (no answer in 10 s): {sum(1 for r in records if r['status'] == 0)}, "
      f"503: {sum(1 for r in records if r['status'] == 503)}")
# The outage: from the fault to the first booking that completed after the first write it failed.
failed_after = [r["due"] for r in records if r["due"] >= fault and r["status"] not in (201, 409)]
outage_start = min(failed_after) if failed_after else fault
after = [r for r in records if r["kind"] == "booking" and r["status"] == 201 and r["due"] >= outage_start]
if not failed_after:
    print("seconds from the fault to the first booking completed after it: 0 (no write failed)")
elif after:
    print(f"seconds from the fault to the first booking completed after it: {min(r['answered'] for r in after) - fault:.1f}")
else:
    print("seconds from the fault to the first booking completed after it: none completed")
if back is not None:
    late = [r for r in records if r["due"] >= back + settled]
    failed = [r for r in late if r["status"] not in (201, 409)]
    rate = 100 * len(failed) / len(late) if late else 0
    print(f"errors from {settled:g} s after the database was back: {len(failed)} of {len(late)} ({rate:.2f} %)")
print(f"lost: {len(lost)}")
