#!/usr/bin/env python3
"""A test's exec provisioner for the proxy tier: each member is a real Fulcrum node (`fulcrum run`).

Its state is a directory (the first argument) written by the test: `java` (the JVM to run), `classpath`
(a java @argfile), `node.yaml` (the node's configuration, with {nodeId}, {ip}, {proxyPort} and
{adminPort} to fill in) and `slots.txt` (one "ip proxyPort adminPort" a line: where nodes may serve).
Idempotent by generation: a start whose record exists answers it (the lock serialises starts). The node
started for generation G is `proxy-G`; it is answered once its proxy listens. `starts.log` and
`stops.log` get a line per node launched and stopped; a stop waits for the node's process to exit.
While `hold` exists a start waits before it launches (the test's way to catch a leader mid-start), and
tells so by `holding-<gen>`.
"""
import fcntl, json, os, signal, socket, subprocess, sys, time

state = sys.argv[1]
action = sys.argv[2]
doc = json.load(sys.stdin)
records = os.path.join(state, "records")
os.makedirs(records, exist_ok=True)


def alive(pid):
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:  # a zombie (exited, not reaped yet: its parent is gone) is not alive
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def answer(rec):
    return {"name": rec["name"], "address": "%s:%d" % (rec["ip"], rec["proxyPort"]), "labels": {"pid": str(rec["pid"])}}


def read(name):
    with open(os.path.join(records, name)) as f:
        return json.load(f)


def start(gen):
    with open(os.path.join(state, "lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        path = os.path.join(records, "proxy-%d.json" % gen)
        if os.path.exists(path):
            with open(path) as f:
                return json.load(f)
        if os.path.exists(os.path.join(state, "hold")):
            open(os.path.join(state, "holding-%d" % gen), "w").close()
        while os.path.exists(os.path.join(state, "hold")):
            time.sleep(0.1)
        used = {read(n)["slot"] for n in os.listdir(records) if n.endswith(".json")}
        with open(os.path.join(state, "slots.txt")) as f:
            slots = [l.split() for l in f.read().splitlines() if l.strip()]
        slot = next(i for i in range(len(slots)) if i not in used)
        ip, proxy_port, admin_port = slots[slot][0], int(slots[slot][1]), int(slots[slot][2])
        name = "proxy-%d" % gen
        with open(os.path.join(state, "node.yaml")) as f:
            yaml = f.read()
        for k, v in {"nodeId": name, "ip": ip, "proxyPort": str(proxy_port), "adminPort": str(admin_port)}.items():
            yaml = yaml.replace("{" + k + "}", v)
        config = os.path.join(state, name + ".yaml")
        with open(config, "w") as f:
            f.write(yaml)
        with open(os.path.join(state, "java")) as f:
            java = f.read().strip()
        log = open(os.path.join(state, name + ".log"), "w")
        node = subprocess.Popen([java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                                 "--enable-native-access=ALL-UNNAMED", "@" + os.path.join(state, "classpath"),
                                 "io.fulcrum.app.FulcrumCommand", "run", "-c", config],
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        with open(os.path.join(state, "starts.log"), "a") as f:
            f.write("%s %d %d\n" % (name, gen, node.pid))
        deadline = time.time() + 90
        while True:
            if node.poll() is not None:
                sys.exit("node %s exited with %d before it listened" % (name, node.returncode))
            try:
                socket.create_connection((ip, proxy_port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    node.kill()
                    sys.exit("node %s did not listen on %s:%d" % (name, ip, proxy_port))
                time.sleep(0.2)
        rec = {"name": name, "ip": ip, "proxyPort": proxy_port, "slot": slot, "pid": node.pid}
        with open(path + ".tmp", "w") as f:
            json.dump(rec, f)
        os.rename(path + ".tmp", path)
        return rec


def stop(member):
    for name in os.listdir(records):
        if not name.endswith(".json"):
            continue
        rec = read(name)
        if rec["name"] == member["name"]:
            if alive(rec["pid"]):
                os.kill(rec["pid"], signal.SIGTERM)
            for _ in range(300):
                if not alive(rec["pid"]):
                    break
                time.sleep(0.1)
            else:
                os.kill(rec["pid"], signal.SIGKILL)
            os.remove(os.path.join(records, name))
            with open(os.path.join(state, "stops.log"), "a") as f:
                f.write("%s %d\n" % (rec["name"], doc["generation"]))


if action == "start":
    print(json.dumps(answer(start(doc["generation"]))))
elif action == "stop":
    stop(doc["member"])
elif action == "replace":
    stop(doc["member"])
    print(json.dumps(answer(start(doc["generation"]))))
elif action == "list":
    print(json.dumps({"members": [answer(read(n)) for n in sorted(os.listdir(records))
                                  if n.endswith(".json") and alive(read(n)["pid"])]}))
else:
    sys.exit("unknown action " + action)
