#!/usr/bin/env bash
# Packet mode against its alternatives, in the namespace topology of examples/netns/topology.sh:
#
#   sudo bench/packet-mode.sh
#
# Three NGINX origins (one worker each, :8080 in srv1..srv3) and an iperf3 server (srv1:5201).
# For each path it prints wrk's requests/s with keep-alive and with "Connection: close" (new
# connections), iperf3's bulk throughput (client -> server, then server -> client) and, for DSR
# and DNAT, the packet path's frames per second of its own CPU time (bal1's received frames
# over the keep-alive, close and bulk runs, divided by the packet thread's user + system time):
#
#   direct   client -> srv1 (10.99.0.21), same L2 segment
#   kernel   client (10.99.1.10) -> bal1's kernel routing (ip_forward=1) -> srv1 (10.99.2.21 on lo)
#   proxy    client -> Fulcrum L4 router in bal1 (mode proxy, 10.99.0.2:8080 and :5201) -> servers
#   dsr      client -> 10.99.0.100 (mode dsr in bal1) -> servers, replies direct
#   dnat     client -> 10.99.1.100:80 (mode dnat in bal1) -> servers :8080, replies through bal1
#
# Environment (all optional): DURATION=10 (seconds per run), THREADS=2, CONNECTIONS=32,
# PATHS="direct kernel proxy dsr dnat", PREFIX=fbench (namespace names).
# The machine should be otherwise idle for figures worth recording; DURATION=2 checks the script.
set -euo pipefail

DURATION=${DURATION:-10}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
PATHS=${PATHS:-direct kernel proxy dsr dnat}
P=${PREFIX:-fbench}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
die() { echo "packet-mode: $*" >&2; exit 1; }
[[ $(id -u) == 0 ]] || die "needs root (network namespaces, AF_PACKET)"
for tool in ip nginx wrk iperf3; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
[[ -f $root/fulcrum-app/target/fulcrum.jar ]] || die "fulcrum-app/target/fulcrum.jar not found; build with ./mvnw -B -q -DskipTests package"

W=$(mktemp -d /tmp/packet-mode.XXXX)
FPID=""
ns() { local n=$1; shift; ip netns exec "$P-$n" "$@"; }
# Stops the node: its JVM, which runs under the background job's subshell and `ip netns exec`
# (signalling the job alone left the JVM running).
stop_fulcrum() {
  if [[ -n $FPID ]] && kill -0 "$FPID" 2>/dev/null; then
    local jvm
    jvm=$(node_pid 2>/dev/null) || jvm=$FPID
    kill -TERM "$jvm" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$jvm" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$jvm" "$FPID" 2>/dev/null || true
  fi
  FPID=""
}
cleanup() {
  stop_fulcrum
  # Everything still running in the topology's namespaces (NGINX, iperf3), before they go.
  for n in client bal1 bal2 srv1 srv2 srv3; do
    for pid in $(ip netns pids "$P-$n" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
  done
  for pid in $(jobs -p); do kill -KILL "$pid" 2>/dev/null || true; done
  sh "$root/examples/netns/topology.sh" down "$P" || true
  rm -rf "$W"
}
trap cleanup EXIT

sh "$root/examples/netns/topology.sh" up "$P"

for i in 1 2 3; do
  mkdir -p "$W/srv$i"
  cat > "$W/srv$i/nginx.conf" <<CONF
master_process off; daemon off; worker_processes 1; pid $W/srv$i/nginx.pid; error_log $W/srv$i/error.log;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  server { listen 8080; listen [::]:8080; location / { return 200 "origin srv$i\n"; } } }
CONF
  ns "srv$i" nginx -c "$W/srv$i/nginx.conf" -p "$W/srv$i" &
done
ns srv1 iperf3 -s -p 5201 >/dev/null 2>&1 &
sleep 1

# One Fulcrum node in bal1 for a path: its virtual services in a file.
start_fulcrum() {
  local mode=$1 vip=$2 port=$3 iperf_port=$4
  local backends="" i
  for i in 1 2 3; do backends+="      - address: 10.99.0.2$i:8080"$'\n'; done
  cat > "$W/fulcrum.yaml" <<YAML
server:
  eventLoopThreads: 1
accessLog:
  enabled: false
pools:
  - name: web
    backends:
$backends  - name: iperf
    backends:
      - address: 10.99.0.21:5201
virtualServices:
  - name: web
    mode: $mode
    vips: [$vip]
    listeners:
      - {port: $port, pool: web}
  - name: bulk
    mode: $mode
    vips: [$vip]
    listeners:
      - {port: $iperf_port, pool: iperf}
YAML
  ns bal1 "$root/bin/fulcrum" run --no-watch -c "$W/fulcrum.yaml" >"$W/fulcrum.log" 2>&1 &
  FPID=$!
  for _ in $(seq 1 300); do
    kill -0 "$FPID" 2>/dev/null || { cat "$W/fulcrum.log" >&2; die "Fulcrum exited during start-up"; }
    if ns client bash -c "exec 3<>/dev/tcp/$vip/$port" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  cat "$W/fulcrum.log" >&2
  die "Fulcrum ($mode) did not answer on $vip:$port"
}

# Kernel routing through bal1: the client's second network reaches srv1's 10.99.2.21.
kernel_up() {
  ip -n "$P-bal1" addr add 10.99.1.2/24 dev eth0
  ns bal1 sysctl -qw net.ipv4.ip_forward=1
  ip -n "$P-bal1" route add 10.99.2.21/32 via 10.99.0.21
  ip -n "$P-srv1" addr add 10.99.2.21/32 dev lo
  ip -n "$P-client" route add 10.99.2.21/32 via 10.99.1.2 src 10.99.1.10
}
kernel_down() {
  ip -n "$P-client" route del 10.99.2.21/32 || true
  ip -n "$P-srv1" addr del 10.99.2.21/32 dev lo || true
  ip -n "$P-bal1" route del 10.99.2.21/32 || true
  ns bal1 sysctl -qw net.ipv4.ip_forward=0
  ip -n "$P-bal1" addr del 10.99.1.2/24 dev eth0 || true
}

rps() { # URL [header]
  local out
  if [[ $# -gt 1 ]]; then
    out=$(ns client wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" -H "$2" "$1")
  else
    out=$(ns client wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" "$1")
  fi
  awk '/Requests\/sec/ {print $2}' <<<"$out"
}
bulk() { # HOST PORT [-R]
  ns client iperf3 -c "$1" -p "$2" -t "$DURATION" -J ${3:-} \
    | python3 -c 'import json,sys; print("%.2f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e9))'
}

# The node's JVM: FPID is the background job's subshell or, once it exec'd, the JVM itself.
node_pid() {
  local p=$FPID
  while [[ $(cat "/proc/$p/comm" 2>/dev/null) != java ]]; do
    p=$(pgrep -P "$p" | head -n 1) || return 1
  done
  echo "$p"
}
# The packet thread's CPU time in seconds (threads named fulcrum-packet-*, of the node's JVM).
packet_cpu() {
  local t total=0 tick pid
  tick=$(getconf CLK_TCK)
  pid=$(node_pid) || die "the node's JVM was not found under $FPID"
  for t in /proc/"$pid"/task/*; do
    [[ $(cat "$t/comm" 2>/dev/null) == fulcrum-packet-* ]] || continue
    # utime and stime: fields 14 and 15, counted after the ")" that ends the name
    total=$((total + $(sed 's/.*) //' "$t/stat" | awk '{print $12 + $13}')))
  done
  python3 -c "print($total / $tick)"
}
rx_frames() { ns bal1 cat /sys/class/net/eth0/statistics/rx_packets; }

printf '%-8s %14s %14s %12s %12s %16s\n' path "keep-alive/s" "close/s" "up Gbit/s" "down Gbit/s" "frames/s/core"
for path in $PATHS; do
  case $path in
    direct) host=10.99.0.21; port=8080; bhost=10.99.0.21; bport=5201 ;;
    kernel) kernel_up; host=10.99.2.21; port=8080; bhost=10.99.2.21; bport=5201 ;;
    proxy) start_fulcrum proxy 10.99.0.2 8080 5201; host=10.99.0.2; port=8080; bhost=10.99.0.2; bport=5201 ;;
    dsr) start_fulcrum dsr 10.99.0.100 8080 5201; host=10.99.0.100; port=8080; bhost=10.99.0.100; bport=5201 ;;
    dnat) start_fulcrum dnat 10.99.1.100 80 5202; host=10.99.1.100; port=80; bhost=10.99.1.100; bport=5202 ;;
    *) die "unknown path $path" ;;
  esac
  per_core=-
  if [[ $path == dsr || $path == dnat ]]; then
    cpu0=$(packet_cpu); rx0=$(rx_frames)
  fi
  ka=$(rps "http://$host:$port/")
  cl=$(rps "http://$host:$port/" "Connection: close")
  up=$(bulk "$bhost" "$bport")
  down=$(bulk "$bhost" "$bport" -R)
  if [[ $path == dsr || $path == dnat ]]; then
    cpu1=$(packet_cpu); rx1=$(rx_frames)
    per_core=$(python3 -c "c = $cpu1 - $cpu0; print('%.0f' % (($rx1 - $rx0) / c) if c > 0 else '-')")
  fi
  printf '%-8s %14s %14s %12s %12s %16s\n' "$path" "$ka" "$cl" "$up" "$down" "$per_core"
  [[ $path == kernel ]] && kernel_down
  stop_fulcrum
done
