#!/usr/bin/env python3
"""Cluster benchmarks on loopback: one etcd, three Fulcrum nodes (127.0.10.1-3).

Measures, in one run:
  1. time from a configuration change committed in etcd to every node serving it
     (median, p99 over PUSHES changes), with only the nodes watching, then again with
     WATCHERS extra watchers (real `etcdctl watch --prefix` processes) on the same etcd;
  2. leader failover: kill -9 the elected controller, time until another node reports a
     new leader (FAILOVERS rounds; bounded below by the lease TTL, LEASE_TTL);
  3. the statistics each node publishes per second (fulcrum_cluster_stats_published_bytes).

A change is the pool `web` switched between backend A and backend B: the pool's key is
written with etcd's JSON gateway (the same key `fulcrum ctl config push` writes for that
pool, read back from etcd after a first real push), and the clock starts just before the
write is sent, so the figure includes etcd's commit. A node "serves" the change when a new
connection through it gets the new backend's answer; the three nodes are polled in parallel.

  bench/cluster.py            # knobs: PUSHES=40 WATCHERS=100 FAILOVERS=3 LEASE_TTL=3s
Needs: etcd and etcdctl (Debian etcd-server, etcd-client), bin/fulcrum built (./mvnw package).
"""
import base64
import http.client
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FULCRUM = os.environ.get("FULCRUM", os.path.join(ROOT, "bin", "fulcrum"))
PUSHES = int(os.environ.get("PUSHES", "40"))
WATCHERS = int(os.environ.get("WATCHERS", "100"))
FAILOVERS = int(os.environ.get("FAILOVERS", "3"))
LEASE_TTL = os.environ.get("LEASE_TTL", "3s")
STATS_SECONDS = int(os.environ.get("STATS_SECONDS", "20"))
IPS = ["127.0.10.1", "127.0.10.2", "127.0.10.3"]
ETCD = "127.0.0.1"
ETCD_PORT, PEER_PORT = 23791, 23801
PROXY_PORT, ADMIN_PORT = 18380, 18390
BACKEND_PORTS = {"A": 18371, "B": 18372}
PREFIX = "/fulcrum-bench"
TOKEN = base64.b16encode(os.urandom(16)).decode().lower()

work = tempfile.mkdtemp(prefix="fulcrum-cluster-bench.")
procs = {}  # name -> Popen


def log(*args):
    print(*args, file=sys.stderr, flush=True)


class Answer(BaseHTTPRequestHandler):
    def do_GET(self):
        body = self.server.letter.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def start_backend(letter):
    server = ThreadingHTTPServer(("127.0.0.1", BACKEND_PORTS[letter]), Answer)
    server.letter = letter
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def etcd_url():
    return "http://%s:%d" % (ETCD, ETCD_PORT)


def start_etcd():
    out = open(os.path.join(work, "etcd.log"), "w")
    procs["etcd"] = subprocess.Popen([
        "etcd", "--name", "bench", "--data-dir", os.path.join(work, "etcd"),
        "--listen-client-urls", etcd_url(), "--advertise-client-urls", etcd_url(),
        "--listen-peer-urls", "http://%s:%d" % (ETCD, PEER_PORT),
        "--initial-advertise-peer-urls", "http://%s:%d" % (ETCD, PEER_PORT),
        "--initial-cluster", "bench=http://%s:%d" % (ETCD, PEER_PORT), "--log-level", "warn"],
        stdout=out, stderr=subprocess.STDOUT)
    await_true(60, "etcd", lambda: http_get(ETCD, ETCD_PORT, "/health").startswith("{"))


def bootstrap(n):
    ip = IPS[n - 1]
    path = os.path.join(work, "node%d.yaml" % n)
    with open(path, "w") as f:
        f.write("""server: {host: node%(n)d, site: local, eventLoopThreads: 1, shutdownGrace: 1s}
listeners:
  - name: web
    bind: "%(ip)s:%(proxy)d"
    routes: [{name: all, pool: web}]
admin:
  bind: "%(ip)s:%(admin)d"
  tokens: [{name: ops, role: admin, token: %(token)s}]
store:
  etcd:
    endpoints: ["%(etcd)s"]
    prefix: %(prefix)s
    snapshotFile: %(work)s/node%(n)d-snapshot.yaml
cluster:
  nodeId: node%(n)d
  roles: [proxy, controller]
  leaseTtl: %(ttl)s
controller:
  enabled: true
  interval: 1s
  pools: [{name: web, mode: weights, policy: manager}]
""" % dict(n=n, ip=ip, proxy=PROXY_PORT, admin=ADMIN_PORT, token=TOKEN, etcd=etcd_url(),
           prefix=PREFIX, work=work, ttl=LEASE_TTL))
    return path


def start_node(n):
    out = open(os.path.join(work, "node%d.log" % n), "a")
    procs["node%d" % n] = subprocess.Popen([FULCRUM, "run", "-c", bootstrap(n)], stdout=out,
                                           stderr=subprocess.STDOUT)


def http_get(host, port, path, token=None, timeout=2.0):
    try:
        c = http.client.HTTPConnection(host, port, timeout=timeout)
        headers = {"Authorization": "Bearer " + token} if token else {}
        c.request("GET", path, headers=headers)
        r = c.getresponse()
        body = r.read().decode(errors="replace")
        c.close()
        return body if r.status == 200 else ""
    except OSError:
        return ""


def await_true(limit, what, check, pause=0.05):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if check():
            return
        time.sleep(pause)
    raise SystemExit("cluster.py: %s not within %ss; logs in %s" % (what, limit, work))


def push_file(letter):
    path = os.path.join(work, "fleet.yaml")
    with open(path, "w") as f:
        # A pushed file validates on its own, so it has a listener; each node's bootstrap has its
        # own `listeners`, which win over the store's.
        f.write("listeners:\n  - {name: web, bind: \"127.0.0.1:%d\", routes: [{name: all, pool: web}]}\n"
                "pools:\n  - name: web\n    backends: [{name: %s, address: \"127.0.0.1:%d\"}]\n"
                % (PROXY_PORT, letter, BACKEND_PORTS[letter]))
    subprocess.run([FULCRUM, "ctl", "config", "push", path, "--etcd", etcd_url(), "--prefix", PREFIX],
                   check=True, stdout=subprocess.DEVNULL)


def etcd_get(key):
    out = subprocess.run(["etcdctl", "--endpoints", etcd_url(), "get", "--print-value-only", key],
                         check=True, capture_output=True, text=True, env=dict(os.environ, ETCDCTL_API="3"))
    return out.stdout.rstrip("\n")


def gateway_put(key, value):
    body = json.dumps({"key": base64.b64encode(key.encode()).decode(),
                       "value": base64.b64encode(value.encode()).decode()})
    c = http.client.HTTPConnection(ETCD, ETCD_PORT, timeout=5)
    c.request("POST", "/v3/kv/put", body=body, headers={"Content-Type": "application/json"})
    r = c.getresponse()
    r.read()
    c.close()
    if r.status != 200:
        raise SystemExit("cluster.py: etcd put answered %d" % r.status)


def serving(n, letter):
    return http_get(IPS[n - 1], PROXY_PORT, "/") == letter


def push_to_serving(rounds, key, values):
    """Times each change from just before its etcd write to the last node serving it (ms)."""
    times = []
    letter = "A"
    for _ in range(rounds):
        letter = "B" if letter == "A" else "A"
        done = [None, None, None]
        t0 = time.monotonic()
        if os.environ.get("TRACE"):  # wall clock of each write, to read against the nodes' logs
            log("put %s at %.3f" % (letter, time.time()))
        gateway_put(key, values[letter])

        def poll(i):
            end = t0 + 10
            while time.monotonic() < end:
                if serving(i + 1, letter):
                    done[i] = time.monotonic()
                    return
                # A pause between polls: three busy pollers on two cores took the CPU the
                # nodes need to apply the change and doubled the figure.
                time.sleep(0.002)
        threads = [threading.Thread(target=poll, args=(i,)) for i in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if None in done:
            raise SystemExit("cluster.py: a node did not serve a change within 10 s; logs in " + work)
        times.append((max(done) - t0) * 1000)
        time.sleep(0.2)
    return times


def summary(times):
    s = sorted(times)
    p99 = s[min(len(s) - 1, int(round(0.99 * (len(s) - 1))))]
    return "median %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)" % (statistics.median(s), p99, s[-1], len(s))


def leader(n):
    body = http_get(IPS[n - 1], ADMIN_PORT, "/api/v1/cluster/leader", TOKEN)
    try:
        return json.loads(body).get("leader") or json.loads(body).get("nodeId")
    except ValueError:
        return None


def failover_round():
    current = None
    await_true(60, "a leader", lambda: leader(1) or leader(2) or leader(3))
    for n in (1, 2, 3):
        current = current or leader(n)
    victim = int(current.replace("node", ""))
    others = [n for n in (1, 2, 3) if n != victim]
    t0 = time.monotonic()
    procs["node%d" % victim].send_signal(signal.SIGKILL)
    procs["node%d" % victim].wait()
    await_true(60, "a new leader", lambda: all(leader(n) not in (None, current) for n in others), pause=0.02)
    elapsed = time.monotonic() - t0
    start_node(victim)
    await_true(120, "node%d back" % victim, lambda: serving(victim, "A") or serving(victim, "B"))
    return elapsed


def stats_bytes(n):
    body = ""
    for _ in range(5):  # a node restarted by the failover rounds may still be warming up
        body = http_get(IPS[n - 1], ADMIN_PORT, "/metrics", TOKEN, timeout=10)
        if body:
            break
        time.sleep(1)
    for line in body.splitlines():
        if line.startswith("fulcrum_cluster_stats_published_bytes") and not line.startswith("#"):
            return float(line.split()[-1])
    log("no stats line in /metrics of node%d: %r" % (n, body[:300]))
    return None


def main():
    for tool in ("etcd", "etcdctl"):
        if shutil.which(tool) is None:
            raise SystemExit("cluster.py: %s not found (Debian: etcd-server, etcd-client)" % tool)
    backends = [start_backend("A"), start_backend("B")]
    start_etcd()
    push_file("A")
    for n in (1, 2, 3):
        start_node(n)
    for n in (1, 2, 3):
        await_true(180, "node%d serving" % n, lambda n=n: serving(n, "A"))
    key = PREFIX + "/config/pools/web"
    value_a = etcd_get(key)
    if "%d" % BACKEND_PORTS["A"] not in value_a:
        raise SystemExit("cluster.py: unexpected value at %s: %r" % (key, value_a))
    values = {"A": value_a,
              "B": value_a.replace(str(BACKEND_PORTS["A"]), str(BACKEND_PORTS["B"])).replace("name: A", "name: B")}
    push_to_serving(5, key, values)  # warm-up
    print("push to serving on 3 nodes:", summary(push_to_serving(PUSHES, key, values)), flush=True)

    watchers = [subprocess.Popen(["etcdctl", "--endpoints", etcd_url(), "watch", "--prefix", PREFIX],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 env=dict(os.environ, ETCDCTL_API="3")) for _ in range(WATCHERS)]
    time.sleep(3)
    alive = sum(1 for w in watchers if w.poll() is None)
    print("push to serving on 3 nodes with %d more watchers:" % alive,
          summary(push_to_serving(PUSHES, key, values)), flush=True)
    for w in watchers:
        w.terminate()
    for w in watchers:
        w.wait()

    times = [failover_round() for _ in range(FAILOVERS)]
    print("leader failover (lease TTL %s): median %.2f s, max %.2f s (n=%d)"
          % (LEASE_TTL, statistics.median(times), max(times), len(times)), flush=True)

    before = [stats_bytes(n) for n in (1, 2, 3)]
    end = time.monotonic() + STATS_SECONDS
    while time.monotonic() < end:  # light traffic, so every node has numbers to publish
        for n in (1, 2, 3):
            http_get(IPS[n - 1], PROXY_PORT, "/")
        time.sleep(0.05)
    after = [stats_bytes(n) for n in (1, 2, 3)]
    if None in before or None in after:
        print("statistics traffic: fulcrum_cluster_stats_published_bytes not exported", flush=True)
    else:
        rates = ["%.0f" % ((a - b) / STATS_SECONDS) for a, b in zip(after, before)]
        print("statistics published per node: %s bytes/s (1 pool, 1 backend, interval 1s)" % ", ".join(rates))
    for b in backends:
        b.shutdown()


def stop(keep=False):
    for name, p in procs.items():
        if p.poll() is None:
            p.terminate()
    for p in procs.values():
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
    if keep:
        log("cluster.py: logs kept in " + work)
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ok = False
    try:
        main()
        ok = True
    finally:
        stop(keep=not ok or bool(os.environ.get("KEEP")))
