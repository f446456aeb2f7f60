#!/usr/bin/env python3
"""An `exec` provisioner for Fulcrum's proxy tier: every node it starts is a Fulcrum proxy (`fulcrum run`).

The cluster leader runs it (cluster.proxyTier.autoscale.provisioner.exec) with the action as its last
argument and a JSON document on standard input (docs/autoscaling.md, "exec: the operator's program"):

    command: [/usr/bin/python3, /etc/fulcrum/provision-proxy.py, /srv/fulcrum/proxy-tier]

    provision-proxy.py [STATE] start|stop|replace|list

`start` takes an address of the pool no running node has, writes the node's configuration (the template with
its address filled in, then `cluster` with `nodeId` = the member's name `proxy-<generation>`, the `proxy`
role and the fleet's etcd, and `controller.enabled`, so it publishes the statistics the leader scales
on), runs `fulcrum run -c` detached from the script (its own session, its output to a log) and answers
`{"name", "address": "<ip>:<proxyPort>", "labels": {"pid"}}` once the proxy listens. `stop` sends the
node SIGTERM (it registers `draining`, serves until its connections finish or its cluster.drainTimeout
passes, deregisters) and waits for it to exit, SIGKILL after STOP_TIMEOUT. `replace` is a stop then a
start; `list` answers the nodes that run.

The generation contract: a start is recorded in STATE/records/proxy-<generation>.json, and starts are
serialised by a lock on STATE/lock, so a start asked again with the same generation (a new leader
continuing its predecessor's start, even while that one still runs) waits for the first and answers
the same node: nothing is started twice. A stop of a node already gone succeeds. Every node that may
lead must see the same STATE (shared storage), and run the nodes where the pool's addresses are.

STATE is the first argument, else $PROVISION_STATE, else /var/lib/fulcrum/proxy-tier. Settings come from
STATE/provision.conf (KEY=VALUE lines, # comments) and, above those, from the environment (the exec
provisioner's `environment:`):

    PROVISION_ETCD            the fleet's etcd endpoints, comma separated (required)
    PROVISION_ETCD_PREFIX     its cluster.etcd.prefix (default /fulcrum)
    PROVISION_TEMPLATE        the proxy node's configuration without `cluster` and `controller`, in which
                              ${NODE_ID}, ${NODE_IP}, ${PROXY_PORT} and ${ADMIN_PORT} are filled in
                              (default STATE/node.yaml; other ${NAME}s are left to Fulcrum)
    PROVISION_ADDRESSES       the address pool: one "ip proxyPort adminPort" a line, one node each
                              (default STATE/addresses)
    PROVISION_FULCRUM         how to run Fulcrum, shell words, `run -c FILE` added (default: fulcrum)
    PROVISION_LEASE_TTL       the node's cluster.leaseTtl (default: Fulcrum's)
    PROVISION_LISTEN_TIMEOUT  seconds a start waits for the proxy to listen (default 90)
    PROVISION_STOP_TIMEOUT    seconds a stop waits for the node to exit before SIGKILL (default 60;
                              longer than the node's cluster.drainTimeout)

What it leaves in STATE: proxy-<generation>.yaml and .log (each node's configuration and output),
starts.log ("name generation pid" a line per node launched), stops.log ("name generation" a line per
node stopped). While the file STATE/hold exists, starts wait before they launch (a maintenance hold:
STATE/holding-<generation> tells which start waits); the leader's startTimeout still applies.

Adapting it. The platform is in three functions: launch() starts a node, running() tells whether it
still runs, terminate() stops it; the record (records/*.json) is what they share.
- systemd: launch() runs `systemd-run --unit fulcrum-<name> --property KillSignal=SIGTERM
  --property TimeoutStopSec=<STOP_TIMEOUT> <fulcrum> run -c <config>` and records the unit; running()
  is `systemctl is-active --quiet <unit>`; terminate() is `systemctl stop <unit>` (which waits).
- a cloud: launch() creates an instance (`aws ec2 run-instances`, `gcloud compute instances create`...)
  whose user data writes the configuration this script builds and starts the packaged fulcrum.service,
  tagged with the generation; its address comes from the instance, not from the address pool; keep the
  record as the tag (look the generation up before creating, so a repeated start finds it), running()
  asks for the instance's state, terminate() deletes it once the node has deregistered.
"""
import fcntl, json, os, re, shlex, signal, socket, subprocess, sys, time

# ---- settings ---------------------------------------------------------------------------------------

action = sys.argv[-1]
state = sys.argv[1] if len(sys.argv) > 2 else os.environ.get("PROVISION_STATE", "/var/lib/fulcrum/proxy-tier")
records = os.path.join(state, "records")
os.makedirs(records, exist_ok=True)


def settings():
    found = {}
    conf = os.path.join(state, "provision.conf")
    if os.path.exists(conf):
        with open(conf) as f:
            for n, line in enumerate(f, 1):
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                if "=" not in line:
                    sys.exit("%s:%d: not KEY=VALUE: %s" % (conf, n, line))
                key, value = line.split("=", 1)
                found[key.strip()] = value.strip()
    found.update({k: v for k, v in os.environ.items() if k.startswith("PROVISION_")})
    return found


conf = settings()


def setting(key, default=None):
    value = conf.get("PROVISION_" + key, default)
    if value is None:
        sys.exit("provision-proxy: PROVISION_%s is not set (in the environment or %s/provision.conf)" % (key, state))
    return value


def setting_file(key, default):
    """The text of the file a setting names."""
    path = setting(key, os.path.join(state, default))
    if not os.path.isfile(path):
        sys.exit("provision-proxy: no file %s (PROVISION_%s)" % (path, key))
    with open(path) as f:
        return f.read()


# ---- the platform: a local process a node --------------------------------------------------------------

def launch(name, config):
    """Runs `fulcrum run -c config` detached (its own session, so the exec provisioner never kills it with
    the script); its pid."""
    log = open(os.path.join(state, name + ".log"), "a")
    node = subprocess.Popen(shlex.split(setting("FULCRUM", "fulcrum")) + ["run", "-c", config],
                            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    return node.pid


def running(rec):
    try:
        os.kill(rec["pid"], 0)
    except OSError:
        return False
    try:  # a zombie (exited, not reaped yet: its parent, a script, is gone) does not run
        with open("/proc/%d/stat" % rec["pid"]) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def terminate(rec):
    """SIGTERM, and the wait while the node drains and deregisters; SIGKILL after STOP_TIMEOUT."""
    if running(rec):
        os.kill(rec["pid"], signal.SIGTERM)
    deadline = time.time() + float(setting("STOP_TIMEOUT", "60"))
    while running(rec):
        if time.time() > deadline:
            os.kill(rec["pid"], signal.SIGKILL)
            break
        time.sleep(0.1)


# ---- the generation contract -------------------------------------------------------------------------

def answer(rec):
    return {"name": rec["name"], "address": "%s:%d" % (rec["ip"], rec["proxyPort"]), "labels": {"pid": str(rec["pid"])}}


def all_records():
    found = []
    for file in sorted(os.listdir(records)):
        if file.endswith(".json"):
            with open(os.path.join(records, file)) as f:
                found.append(json.load(f))
    return found


def configuration(name, ip, proxy_port, admin_port):
    """The template with the node's address filled in, then its cluster and controller sections."""
    template = setting_file("TEMPLATE", "node.yaml")
    if re.search(r"^(cluster|controller):", template, re.M):
        sys.exit("provision-proxy: the template has a cluster or controller section: this script writes them")
    values = {"NODE_ID": name, "NODE_IP": ip, "PROXY_PORT": str(proxy_port), "ADMIN_PORT": str(admin_port)}
    text = re.sub(r"(?<!\$)\$\{(NODE_ID|NODE_IP|PROXY_PORT|ADMIN_PORT)\}", lambda m: values[m.group(1)], template)
    endpoints = ", ".join(json.dumps(e.strip()) for e in setting("ETCD").split(",") if e.strip())
    lease = setting("LEASE_TTL", "")
    text += "\ncluster:\n  nodeId: %s\n  roles: [proxy]\n%s  etcd: {endpoints: [%s], prefix: %s}\n" % (
        json.dumps(name), "  leaseTtl: %s\n" % lease if lease else "", endpoints,
        json.dumps(setting("ETCD_PREFIX", "/fulcrum")))
    text += "controller: {enabled: true}\n"
    config = os.path.join(state, name + ".yaml")
    with open(config, "w") as f:
        f.write(text)
    return config


def await_listening(name, pid, ip, port):
    deadline = time.time() + float(setting("LISTEN_TIMEOUT", "90"))
    while True:
        if not running({"pid": pid}):
            sys.exit("provision-proxy: node %s exited before it listened (see %s/%s.log)" % (name, state, name))
        try:
            socket.create_connection((ip, port), timeout=1).close()
            return
        except OSError:
            if time.time() > deadline:
                terminate({"pid": pid})
                sys.exit("provision-proxy: node %s did not listen on %s:%d" % (name, ip, port))
            time.sleep(0.2)


def start(gen):
    with open(os.path.join(state, "lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # held until the node is recorded: a repeated start waits, then finds it
        path = os.path.join(records, "proxy-%d.json" % gen)
        if os.path.exists(path):
            with open(path) as f:
                return json.load(f)
        hold = os.path.join(state, "hold")
        if os.path.exists(hold):
            open(os.path.join(state, "holding-%d" % gen), "w").close()
        while os.path.exists(hold):
            time.sleep(0.1)
        used = {(r["ip"], r["proxyPort"]) for r in all_records() if running(r)}  # a dead node's address is free
        pool = [l.split() for l in setting_file("ADDRESSES", "addresses").splitlines()
                if l.strip() and not l.startswith("#")]
        free = [a for a in pool if (a[0], int(a[1])) not in used]
        if not free:
            sys.exit("provision-proxy: every address of the pool has a node (%d)" % len(pool))
        ip, proxy_port, admin_port = free[0][0], int(free[0][1]), int(free[0][2])
        name = "proxy-%d" % gen
        pid = launch(name, configuration(name, ip, proxy_port, admin_port))
        with open(os.path.join(state, "starts.log"), "a") as f:
            f.write("%s %d %d\n" % (name, gen, pid))
        await_listening(name, pid, ip, proxy_port)
        rec = {"name": name, "generation": gen, "ip": ip, "proxyPort": proxy_port, "adminPort": admin_port, "pid": pid}
        with open(path + ".tmp", "w") as f:
            json.dump(rec, f)
        os.rename(path + ".tmp", path)
        return rec


def stop(member, gen):
    for rec in all_records():
        if rec["name"] == member["name"]:
            terminate(rec)
            os.remove(os.path.join(records, rec["name"] + ".json"))
            with open(os.path.join(state, "stops.log"), "a") as f:
                f.write("%s %d\n" % (rec["name"], gen))


doc = json.load(sys.stdin)
if action == "start":
    print(json.dumps(answer(start(doc["generation"]))))
elif action == "stop":
    stop(doc["member"], doc["generation"])
elif action == "replace":
    stop(doc["member"], doc["generation"])
    print(json.dumps(answer(start(doc["generation"]))))
elif action == "list":
    print(json.dumps({"members": [answer(r) for r in all_records() if running(r)]}))
else:
    sys.exit("provision-proxy: unknown action " + action)
