#!/usr/bin/env bash
# A three-node Fulcrum cluster on this machine, in one command: one etcd and three nodes on
# the loopback addresses 127.0.10.1, 127.0.10.2 and 127.0.10.3 (Linux routes all of
# 127.0.0.0/8 to the loopback interface; elsewhere add the aliases first). Each node is a
# proxy, a DNS node and a controller of site "local"; one of them is elected leader.
#
#   examples/cluster/run.sh
#   FULCRUM_ADMIN=http://127.0.10.1:9900/ FULCRUM_TOKEN=<token> bin/fulcrum ctl cluster nodes --json
#   dig @127.0.10.1 -p 5353 app.cluster.test      # the live proxies' VIPs
#   curl http://127.0.10.2:8080/                   # through a proxy to the example backend
#
# It prints one line per node, then the admin token (valid on every node), and runs until
# Ctrl-C or SIGTERM, which stop every process it started. Kill a node (kill -9 <pid>, the
# pids are in the work directory's nodeN.pid) and watch the others see it failed.
#
# Environment: FULCRUM (the fulcrum command, default bin/fulcrum), ETCD (default etcd),
# PROXY_PORT (8080), ADMIN_PORT (9900), DNS_PORT (5353), ETCD_PORT (2379), ETCD_PEER_PORT
# (2380), BACKEND_PORT (8000), LEASE_TTL (5s).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
fulcrum=${FULCRUM:-$root/bin/fulcrum}
etcd_bin=${ETCD:-etcd}
proxy_port=${PROXY_PORT:-8080}
admin_port=${ADMIN_PORT:-9900}
dns_port=${DNS_PORT:-5353}
etcd_port=${ETCD_PORT:-2379}
peer_port=${ETCD_PEER_PORT:-2380}
backend_port=${BACKEND_PORT:-8000}
lease_ttl=${LEASE_TTL:-5s}
ips=(127.0.10.1 127.0.10.2 127.0.10.3)

command -v "$etcd_bin" >/dev/null || { echo "run.sh: $etcd_bin not found (Debian: apt-get install etcd-server)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/fulcrum-cluster.XXXXXX")
token=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
nodes=() # the Fulcrum nodes
infra=() # etcd and the example backend

stop() { # SIGTERM to the nodes, then (once they have deregistered from etcd) to the rest
  local pid
  for pid in ${nodes[@]+"${nodes[@]}"}; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in ${nodes[@]+"${nodes[@]}"}; do wait "$pid" 2>/dev/null || true; done
  for pid in ${infra[@]+"${infra[@]}"}; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in ${infra[@]+"${infra[@]}"}; do wait "$pid" 2>/dev/null || true; done
}
stop_all() {
  trap - INT TERM EXIT
  stop
  rm -rf "$work"
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

"$etcd_bin" --name fulcrum-example --data-dir "$work/etcd" \
  --listen-client-urls "http://${ips[0]}:$etcd_port" --advertise-client-urls "http://${ips[0]}:$etcd_port" \
  --listen-peer-urls "http://${ips[0]}:$peer_port" --initial-advertise-peer-urls "http://${ips[0]}:$peer_port" \
  --initial-cluster "fulcrum-example=http://${ips[0]}:$peer_port" --log-level warn >"$work/etcd.log" 2>&1 &
etcd_pid=$!
infra+=("$etcd_pid")

# The example backend every proxy sends to.
mkdir -p "$work/www"
echo "hello from the example backend" >"$work/www/index.html"
if command -v python3 >/dev/null; then
  python3 -m http.server --bind 127.0.0.1 --directory "$work/www" "$backend_port" >"$work/backend.log" 2>&1 &
  infra+=("$!")
fi

await() { # await SECONDS DESCRIPTION COMMAND...
  local limit=$1 what=$2
  shift 2
  for ((t = 0; t < limit * 10; t++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "run.sh: $what did not come up within ${limit}s; logs in $work" >&2
  trap - INT TERM EXIT
  stop # the logs stay, for a look at what went wrong
  exit 1
}
await 30 etcd curl -fsS "http://${ips[0]}:$etcd_port/health"

for n in 1 2 3; do
  ip=${ips[n - 1]}
  cat >"$work/node$n.yaml" <<YAML
server: {eventLoopThreads: 1, site: local, shutdownGrace: 2s}
listeners:
  - name: web
    bind: "$ip:$proxy_port"
    routes: [{name: all, pool: web}]
pools:
  - name: web
    backends: [{address: "127.0.0.1:$backend_port"}]
sites:
  - name: local
    vips: [${ips[0]}, ${ips[1]}, ${ips[2]}]
    nodes:
      - {name: gns1.cluster.test., address: ${ips[0]}}
      - {name: gns2.cluster.test., address: ${ips[1]}}
      - {name: gns3.cluster.test., address: ${ips[2]}}
dns:
  listen: ["$ip:$dns_port"]
  threads: 1
  zones:
    - name: cluster.test
      soa: {mname: ns1.cluster.test., rname: hostmaster@cluster.test, serial: 1}
      records:
        - {name: "@", type: NS, value: ns1.cluster.test.}
        - {name: ns1, type: A, value: ${ips[0]}}
  gslb:
    - {name: app.cluster.test, policy: [weighted], answers: 3, ttl: 5s}
    - {name: global.cluster.test, tier: upper, policy: [weighted], answers: 3}
admin:
  bind: "$ip:$admin_port"
  tokens: [{name: ops, role: admin, token: $token}]
cluster:
  nodeId: node$n
  roles: [proxy, dns, controller]
  leaseTtl: $lease_ttl
  etcd: {endpoints: ["http://${ips[0]}:$etcd_port"], prefix: /fulcrum-example}
YAML
  "$fulcrum" run -c "$work/node$n.yaml" --no-watch >"$work/node$n.log" 2>&1 &
  nodes+=("$!")
  echo "$!" >"$work/node$n.pid"
done

for n in 1 2 3; do
  await 180 "node$n" curl -fsS -H "Authorization: Bearer $token" \
    "http://${ips[n - 1]}:$admin_port/api/v1/cluster/nodes"
done
for n in 1 2 3; do
  ip=${ips[n - 1]}
  echo "node node$n: proxy http://$ip:$proxy_port/ admin http://$ip:$admin_port/"
done
echo "token: $token"
echo "(work directory $work; Ctrl-C stops everything)" >&2

# Wait until a signal comes (the traps stop everything), or etcd exits by itself.
wait "$etcd_pid" || true
