#!/usr/bin/env python3
"""A test's exec provisioner: members are local `python3 -m http.server` processes.

Its state is a directory (the first argument) shared by every node that runs it, so it is the
platform a cluster's leaders share: one record per generation (`records/<pool>-<gen>.json`), the
ports it may give (`ports.txt`, one a line, written by the test), a line in `starts.log` for every
member process it launched. Idempotent by generation: a start whose record exists answers it; the
lock serialises starts, so a start repeated while the first still runs (a new leader asking again
while its predecessor's script is still at work) waits for it and answers the same member.
While `hold` exists a start waits before it launches (the test's way to catch a leader mid-start),
and tells so by `holding-<gen>`.
"""
import fcntl, json, os, signal, socket, subprocess, sys, time

state = sys.argv[1]
action = sys.argv[2]
doc = json.load(sys.stdin)
pool = doc["pool"]
records = os.path.join(state, "records")
os.makedirs(records, exist_ok=True)


def record_path(gen):
    return os.path.join(records, "%s-%d.json" % (pool, gen))


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def answer(rec):
    return {"name": rec["name"], "address": rec["address"], "labels": {"pid": str(rec["pid"])}}


def start(gen):
    with open(os.path.join(state, "lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        path = record_path(gen)
        if os.path.exists(path):
            with open(path) as f:
                return json.load(f)
        if os.path.exists(os.path.join(state, "hold")):
            open(os.path.join(state, "holding-%d" % gen), "w").close()
        while os.path.exists(os.path.join(state, "hold")):
            time.sleep(0.1)
        used = set()
        for name in os.listdir(records):
            with open(os.path.join(records, name)) as f:
                used.add(json.load(f)["port"])
        with open(os.path.join(state, "ports.txt")) as f:
            port = next(int(p) for p in f.read().split() if int(p) not in used)
        member = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
                                  cwd=state, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, start_new_session=True)
        with open(os.path.join(state, "starts.log"), "a") as f:
            f.write("%s %d %d\n" % (pool, gen, member.pid))
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        rec = {"name": "%s-%d" % (pool, gen), "address": "127.0.0.1:%d" % port, "port": port, "pid": member.pid}
        with open(path + ".tmp", "w") as f:
            json.dump(rec, f)
        os.rename(path + ".tmp", path)
        return rec


def stop(member):
    for name in os.listdir(records):
        path = os.path.join(records, name)
        with open(path) as f:
            rec = json.load(f)
        if rec["name"] == member["name"]:
            if alive(rec["pid"]):
                os.kill(rec["pid"], signal.SIGTERM)
            os.remove(path)


if action == "start":
    print(json.dumps(answer(start(doc["generation"]))))
elif action == "replace":
    stop(doc["member"])
    print(json.dumps(answer(start(doc["generation"]))))
elif action == "stop":
    stop(doc["member"])
elif action == "list":
    members = []
    for name in sorted(os.listdir(records)):
        if name.startswith(pool + "-") and name.endswith(".json"):
            with open(os.path.join(records, name)) as f:
                rec = json.load(f)
            if alive(rec["pid"]):
                members.append(answer(rec))
    print(json.dumps({"members": members}))
else:
    sys.exit("unknown action " + action)
