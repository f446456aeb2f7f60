#!/usr/bin/env bash
# Server CPU time per request and per handshake: HAProxy, NGINX and Fulcrum on the same
# set-up as bench/https-anchors.sh (bench/https-targets.sh: same certificate, same origins,
# one worker/thread each). Requests/s move with whatever else the machine runs; the CPU the
# server process spends (utime + stime of all its threads, /proc/PID/stat) per request
# completed moves much less, so this says where Fulcrum spends more than HAProxy even on a
# busy machine. Per round and target, interleaved:
#   h1  HTTPS keep-alive (wrk, 1 thread, C connections, D seconds): CPU per request
#   h2  HTTP/2 over TLS (h2load, H2C connections x M streams, N requests): CPU per request
#   h2c HTTP/2 in cleartext (as h2): CPU per request
#   hs  a new TLS connection per request (wrk, Connection: close): CPU per full handshake
#   rs  resumed TLS 1.3 handshakes (bench/tls-handshakes.py, P processes): CPU per connection
# Knobs: C, H2C, M, N, D, R, P; CANDIDATE_CMD and NO_CANDIDATE as for https-anchors.sh.
set -u
C=${C:-50}; H2C=${H2C:-10}; M=${M:-10}; N=${N:-100000}; D=${D:-6}; R=${R:-3}; P=${P:-4}
ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
. "$ROOT/bench/https-targets.sh"
CLK=$(getconf CLK_TCK)
declare -A PIDS=( [haproxy]="$(cat $W/haproxy.pid)"
  [nginx]="$(cat $W/nginxlb.pid) $(pgrep -P "$(cat $W/nginxlb.pid)" | tr '\n' ' ')" )
[ -n "${CPID:-}" ] && PIDS[candidate]=$CPID
ORDER="haproxy nginx ${CPID:+candidate}"

# CPU ticks (user + system) spent so far by the target's processes.
ticks() {
  local sum=0 p
  for p in ${PIDS[$1]}; do
    sum=$((sum + $(awk '{print $14 + $15}' /proc/$p/stat)))
  done
  echo $sum
}

# Runs a load ("$@") against target $1 and prints the CPU per unit it reports: the load's
# output goes to count(), which prints how many requests or handshakes it completed.
measure() {
  local target=$1 load=$2 count=$3; shift 3
  local before after out n
  before=$(ticks $target)
  out=$("$@" 2>&1)
  after=$(ticks $target)
  n=$(echo "$out" | $count)
  awk -v t=$target -v l=$load -v n="$n" -v d=$((after - before)) -v clk=$CLK -v r=$round 'BEGIN {
    if (n + 0 > 0) printf "round=%s target=%s load=%s done=%d cpu_s=%.2f us_per_unit=%.1f\n", r, t, l, n, d / clk, d / clk / n * 1e6;
    else printf "round=%s target=%s load=%s done=0 (failed)\n", r, t, l }'
}
wrk_count() { awk '/requests in/ {print $1}'; }
h2load_count() { awk '/^requests:/ {print $8}'; }
rs_count() { sed -n 's/.*connections=\([0-9]*\).*/\1/p'; }

https_targets_warm $ORDER
for round in $(seq 1 $R); do
  for t in $ORDER; do
    url=https://127.0.0.1:${TARGETS[$t]}/
    measure $t h1 wrk_count wrk -t1 -c$C -d${D}s $url
    measure $t h2 h2load_count h2load -t1 -c$H2C -m$M -n$N $url
    measure $t h2c h2load_count h2load -t1 -c$H2C -m$M -n$N http://127.0.0.1:${H2C_PORT[$t]}/
    measure $t hs wrk_count wrk -t1 -c$C -d${D}s -H 'Connection: close' $url
    measure $t rs rs_count python3 "$ROOT/bench/tls-handshakes.py" 127.0.0.1 ${TARGETS[$t]} resumed $D $P
  done
done
https_targets_stop
