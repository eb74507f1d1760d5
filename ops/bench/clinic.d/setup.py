"""Builds a realistic clinic for ops/bench/clinic through the API: 40 physiotherapists, 20
gyms (6 places each), 240 admitted patients. Writes the ids for the wrk script (Lua)."""
import json
import sys
import urllib.request
from datetime import date, timedelta

base, token, clinic, out = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]


def call(method, path, body=None):
    request = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"null")


week = [{"weekday": d, "start": "08:00", "end": "16:00"} for d in range(7)]
therapists = [call("POST", "/api/v1/rehab/therapists", {"organisationId": clinic, "code": f"B{n:03d}", "name": f"Bench therapist {n}",
                                                         "role": "physiotherapist", "skills": ["PT"], "teams": [0], "shifts": week, "active": True})["id"]
              for n in range(40)]
rooms = [call("POST", "/api/v1/rehab/rooms", {"organisationId": clinic, "code": f"BGYM{n:02d}", "name": f"Bench gym {n}", "type": "gym",
                                               "capacity": 6, "maxSessions": 6, "hours": week})["id"] for n in range(20)]
today = date.today()
patients = []
for n in range(240):
    patient = call("POST", "/api/v1/patients", {"organisationId": clinic, "pseudonym": f"BENCH-{n:03d}", "birthYear": 1950, "sex": "female"})["id"]
    call("POST", "/api/v1/rehab/stays", {
        "organisationId": clinic, "patientId": patient, "setting": "inpatient", "strokeDate": str(today - timedelta(days=30)),
        "strokeType": "ischaemic", "team": 0, "flags": [], "maxMinutesPerDay": 240, "minGapMinutes": 0, "timePreference": "none",
        "admittedOn": str(today - timedelta(days=1)), "dischargeOn": str(today + timedelta(days=240)), "availability": week})
    patients.append(patient)
with open(out, "w") as lua:
    lua.write("clinic = %s\n" % json.dumps(clinic))
    lua.write("therapists = {%s}\n" % ", ".join(json.dumps(t) for t in therapists))
    lua.write("rooms = {%s}\n" % ", ".join(json.dumps(r) for r in rooms))
    lua.write("patients = {%s}\n" % ", ".join(json.dumps(p) for p in patients))
print(f"bench clinic: {len(therapists)} therapists, {len(rooms)} gyms, {len(patients)} patients admitted")
