#!/usr/bin/env python3
"""Checks that a scorer command agrees with score.py: the same hard counts by kind, soft
terms (raw, weight, weighted), objective and KPIs, on the baseline schedule, on score.py's mutation tests and on seeded
random perturbations (moved, retimed, reassigned, removed, duplicated and ill-typed rows).

  compare.py INSTANCE BASELINE [--random N] [--seed S] [--text K] -- COMMAND [ARGS...]
The command is run as COMMAND ARGS INSTANCE SCHEDULE --json; for the first K cases (default
10) also without --json, and where every row is well typed its text must equal score.py's,
examples included.
Ends with 'N agreed, M differed'.
"""
import copy, json, os, random, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import score  # noqa: E402


def mutations(inst, base):
    MOD = {m["id"]: m for m in inst["modalities"]}
    THE = {t["id"]: t for t in inst["therapists"]}
    out = [("baseline", copy.deepcopy(base))]
    ind = [i for i, r in enumerate(base) if MOD[r["modality"]]["max_group"] == 1 and r["therapist"]]
    i0 = ind[0]
    r0 = base[i0]
    def m(name, fn):
        rows = copy.deepcopy(base)
        fn(rows)
        out.append((name, rows))
    wrong = next(t for t in inst["therapists"] if MOD[r0["modality"]]["skill"] not in t["skills"])
    m("therapist without skill", lambda R: R[i0].update(therapist=wrong["id"]))
    m("unknown patient", lambda R: R[i0].update(patient="P999"))
    m("start beyond day end", lambda R: R[i0].update(start=31))
    m("wrong length", lambda R: R[i0].update(length=R[i0]["length"] + 1))
    m("patient at meal time", lambda R: R[i0].update(start=16))
    m("extra sessions", lambda R: R.extend(copy.deepcopy([x for x in R if x["patient"] == r0["patient"]])))
    m("missing field", lambda R: R[i0].pop("room"))
    m("text day", lambda R: R[i0].update(day=str(R[i0]["day"])))
    m("float start", lambda R: R[i0].update(start=R[i0]["start"] + 0.5))
    m("null length", lambda R: R[i0].update(length=None))
    m("numeric therapist", lambda R: R[i0].update(therapist=7))
    m("row not an object", lambda R: R.append("x"))
    g = next((r for r in base if MOD[r["modality"]]["max_group"] > 1), None)
    if g:
        m("oversized group", lambda R: R.extend([dict(g, patient=p["id"]) for p in inst["patients"][:MOD[g["modality"]]["max_group"] + 2]]))
        m("duplicate in group", lambda R: R.extend([dict(g), dict(g)]))
    return out


def perturb(inst, base, rng):
    rows = copy.deepcopy(base)
    ids = dict(patient=[p["id"] for p in inst["patients"]], therapist=[t["id"] for t in inst["therapists"]] + [None],
               room=[r["id"] for r in inst["rooms"]], modality=[m["id"] for m in inst["modalities"]])
    for _ in range(rng.randint(1, 12)):
        if not rows:
            break
        i = rng.randrange(len(rows))
        action = rng.choice(["day", "start", "length", "therapist", "room", "patient", "modality", "delete", "copy", "shift"])
        if action == "day":
            rows[i]["day"] = rng.randrange(len(inst["days"]))
        elif action == "start":
            rows[i]["start"] = rng.randrange(0, 32)
        elif action == "length":
            rows[i]["length"] = rng.randint(1, 5)
        elif action in ids:
            rows[i][action] = rng.choice(ids[action])
        elif action == "delete":
            rows.pop(i)
        elif action == "copy":
            rows.append(copy.deepcopy(rows[i]))
        else:
            rows[i]["start"] = max(0, rows[i]["start"] + rng.choice([-2, -1, 1, 2]))
    return rows


def well_typed(row):
    """Rows whose ids are text (the therapist may be None) and whose numbers are integers:
    for these our text output must equal score.py's, examples included (score.py prints an
    ill-typed row as Python's repr of what it read, which we do not reproduce)."""
    return (isinstance(row, dict) and all(isinstance(row.get(k), str) for k in ("patient", "modality", "room"))
            and (row.get("therapist") is None or isinstance(row.get("therapist"), str))
            and all(type(row.get(k)) is int for k in ("day", "start", "length")))


def main():
    args = sys.argv[1:]
    command = args[args.index("--") + 1:]
    args = args[:args.index("--")]
    inst_path, base_path = args[0], args[1]
    count = int(args[args.index("--random") + 1]) if "--random" in args else 50
    seed = int(args[args.index("--seed") + 1]) if "--seed" in args else 1
    text_cases = int(args[args.index("--text") + 1]) if "--text" in args else 10
    inst = json.load(open(inst_path))
    base = json.load(open(base_path))["sessions"]
    rng = random.Random(seed)
    cases = mutations(inst, base) + [(f"random {k}", perturb(inst, base, rng)) for k in range(count)]
    agreed = differed = 0
    with tempfile.TemporaryDirectory() as folder:
        for number, (name, rows) in enumerate(cases):
            path = os.path.join(folder, "schedule.json")
            json.dump(dict(sessions=rows), open(path, "w"))
            expected = score.score(inst, dict(sessions=rows))
            proc = subprocess.run(command + [inst_path, path, "--json"], capture_output=True, text=True)
            try:
                got = json.loads(proc.stdout)
            except ValueError:
                got = {}
            want = dict(hard=expected["hard"], soft=expected["soft"], objective=expected["objective"], kpi=expected["kpi"])
            have = dict(hard=got.get("hard"), soft=got.get("soft"), objective=got.get("objective"), kpi=got.get("kpi"))
            if number < text_cases and all(well_typed(r) for r in rows):
                ours = subprocess.run(command + [inst_path, path], capture_output=True, text=True).stdout
                theirs = subprocess.run([sys.executable, os.path.join(here, "score.py"), inst_path, path], capture_output=True, text=True).stdout
                if ours != theirs:
                    want["text"], have["text"] = theirs, ours
            if want == have:
                agreed += 1
            else:
                differed += 1
                diff = {k: (want["hard"][k], (have["hard"] or {}).get(k)) for k in want["hard"] if want["hard"][k] != (have["hard"] or {}).get(k)}
                print(f"{name}: hard {diff} soft {want['soft']} vs {have['soft']} objective {want['objective']} vs {have['objective']}"
                      f" kpi {want['kpi']} vs {have['kpi']}")
    print(f"{agreed} agreed, {differed} differed")
    sys.exit(1 if differed else 0)


if __name__ == "__main__":
    main()
