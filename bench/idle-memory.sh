#!/usr/bin/env bash
# Idle keep-alive memory benchmark: how much resident memory 10,000 idle keep-alive
# client connections add to the Fulcrum process.
#
#   bench/idle-memory.sh
#
# Steps: starts an NGINX origin (1 worker, 127.0.0.1:18081 and :18082, "hello world")
# and Fulcrum with bench/http.yaml (proxy on 127.0.0.1:18092); warms Fulcrum up with
# wrk in 5-second rounds until its RSS settles; records the JVM's VmRSS (/proc/PID/status) as the baseline; opens N client
# connections (bench/idle-memory/idle_clients.py), each sending ONE keep-alive
# "GET / HTTP/1.1" and reading the full response, then holding the connection idle;
# waits SETTLE seconds with nothing forced on the JVM and records VmRSS again; checks
# every connection got a 200 and is still open; closes everything and stops both
# servers. Prints baseline, loaded RSS, the delta and the delta per connection.
#
# Environment (all optional):
#   N=10000        client connections
#   SOURCES=4      spread client source addresses over 127.0.0.2 .. 127.0.0.(1+SOURCES)
#   CONCURRENCY=200 connections in flight while opening (the rest already idle)
#   WARM=5         seconds per wrk warm-up round (-t1 -c50) before the baseline
#   WARM_ROUNDS=8  at most this many rounds; the warm-up stops early (after at least 2)
#                  once a round grew VmRSS by less than WARM_STABLE_MB=2; 1 = a single
#                  WARM-second round (no settling), 0 = no warm-up (cold JVM)
#   SETTLE=5       seconds to wait before each RSS reading
#   LIMIT_MB=50    the requirement: delta must be under this many MB (10^6 bytes)
#   MEM_GC=0       1 = forced-GC variant: "jcmd PID GC.run" (a full GC, which may
#                  shrink the heap) right before the baseline reading, and again after
#                  the unforced loaded reading; prints RESULT (unforced loaded reading
#                  against the post-GC baseline) and RESULT-AFTER-GC (both readings
#                  post-GC). The GC before the baseline changes what the unforced
#                  reading sees, so the headline comes from runs without MEM_GC
#   NMT=0          1 = start the JVM with -XX:NativeMemoryTracking=summary and print
#                  "jcmd PID VM.native_memory summary.diff" (baseline -> loaded);
#                  NMT itself costs some memory, so use it to investigate, not to judge
#   HISTO=0        1 = investigation: "jcmd PID GC.class_histogram" (a full GC) just
#                  before the baseline and just after the loaded reading, and print
#                  the live-heap growth by class; the full GC before the baseline
#                  changes the baseline, so do not use these runs' RSS as the headline
#   HISTO_TOP=25   classes listed by HISTO=1
#   SNAPSHOT=1     run a private copy of bin/fulcrum + fulcrum.jar so a concurrent
#                  rebuild of fulcrum-app/target cannot disturb the running JVM;
#                  0 = run bin/fulcrum in place
#   FULCRUM_JAVA_OPTS  passed through to bin/fulcrum (extra JVM flags)
#
# Exit status: 0 = all steps worked and the delta is under LIMIT_MB; 1 = a step
# failed (nothing reliable measured); 2 = measured, but the delta is not under LIMIT_MB.
set -u -o pipefail

N=${N:-10000}; SOURCES=${SOURCES:-4}; CONCURRENCY=${CONCURRENCY:-200}
WARM=${WARM:-5}; WARM_ROUNDS=${WARM_ROUNDS:-8}; WARM_STABLE_MB=${WARM_STABLE_MB:-2}; SETTLE=${SETTLE:-5}; LIMIT_MB=${LIMIT_MB:-50}
MEM_GC=${MEM_GC:-0}; NMT=${NMT:-0}; HISTO=${HISTO:-0}; SNAPSHOT=${SNAPSHOT:-1}
PROXY_PORT=18092

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
config=$root/bench/http.yaml
client=$root/bench/idle-memory/idle_clients.py

log() { echo "idle-memory: $*"; }
die() { echo "idle-memory: FAILED: $*" >&2; exit 1; }

for tool in nginx wrk python3 ss; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
[[ -f $config ]] || die "$config not found"
[[ -f $client ]] || die "$client not found"
[[ -f $root/fulcrum-app/target/fulcrum.jar ]] || die "fulcrum-app/target/fulcrum.jar not found; build with ./mvnw -B -q -DskipTests package"

# File descriptors: the client holds N sockets and so does Fulcrum (plus backends).
want_fds=$((N + 4096))
if (( $(ulimit -n) < want_fds )); then
  # The soft limit up to the hard one; root may raise the hard one too.
  ulimit -Sn "$want_fds" 2>/dev/null || ulimit -n "$want_fds" 2>/dev/null || ulimit -Sn "$(ulimit -Hn)" 2>/dev/null
fi
(( $(ulimit -n) >= N + 256 )) || die "open-file limit $(ulimit -n) is too low for $N connections (hard limit $(ulimit -Hn))"

for port in 18081 18082 $PROXY_PORT; do
  if [[ -n $(ss -Htln "sport = :$port") ]]; then
    die "127.0.0.1:$port is already in use (another benchmark running?)"
  fi
done

W=$(mktemp -d /tmp/idle-memory.XXXX)
FPID=""; CPID=""
cleanup() {
  [[ -n $CPID ]] && kill -0 "$CPID" 2>/dev/null && { kill -TERM "$CPID" 2>/dev/null; wait "$CPID" 2>/dev/null; }
  if [[ -n $FPID ]] && kill -0 "$FPID" 2>/dev/null; then
    kill -TERM "$FPID" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$FPID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$FPID" 2>/dev/null
    wait "$FPID" 2>/dev/null
  fi
  [[ -f $W/origin.pid ]] && kill "$(cat "$W/origin.pid")" 2>/dev/null
  rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# kB of a field (VmRSS, RssAnon, RssFile, ...) of /proc/PID/status.
status_kb() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
# VmRSS and its parts; "heap" and "nonheap" split the Rss of /proc/PID/smaps at the
# Java heap's reserved address range (from jcmd GC.heap_info, which does not run a GC).
heap_range=""
rss_line() {
  local split=""
  [[ -n $heap_range ]] && split=" $(python3 "$root/bench/idle-memory/rss_split.py" "$1" $heap_range)"
  echo "VmRSS=$(status_kb "$1" VmRSS)kB RssAnon=$(status_kb "$1" RssAnon)kB RssFile=$(status_kb "$1" RssFile)kB$split threads=$(status_kb "$1" Threads)"
}
established() { ss -Htn state established "( sport = :$PROXY_PORT )" | wc -l; }

# 1. Origin and Fulcrum.
cat > "$W/origin.conf" <<CONF
worker_processes 1; pid $W/origin.pid; error_log $W/origin.err; daemon on;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  server { listen 127.0.0.1:18081; location / { return 200 "hello world\n"; } }
  server { listen 127.0.0.1:18082; location / { return 200 "hello world\n"; } } }
CONF
nginx -c "$W/origin.conf" -p "$W" || die "nginx origin did not start"

fulcrum=$root/bin/fulcrum
if [[ $SNAPSHOT == 1 ]]; then
  mkdir -p "$W/fulcrum/bin" "$W/fulcrum/fulcrum-app/target"
  cp "$root/bin/fulcrum" "$W/fulcrum/bin/fulcrum"
  cp "$root/fulcrum-app/target/fulcrum.jar" "$W/fulcrum/fulcrum-app/target/fulcrum.jar"
  fulcrum=$W/fulcrum/bin/fulcrum
fi
if [[ $NMT == 1 ]]; then
  export FULCRUM_JAVA_OPTS="${FULCRUM_JAVA_OPTS:-} -XX:NativeMemoryTracking=summary"
fi
# bin/fulcrum ends with "exec java ...", so $! becomes the JVM's pid once it has exec'd.
"$fulcrum" run -c "$config" >"$W/fulcrum.log" 2>&1 &
FPID=$!
up=0
for _ in $(seq 1 600); do
  kill -0 "$FPID" 2>/dev/null || { cat "$W/fulcrum.log" >&2; die "Fulcrum exited during start-up"; }
  # The listener must be this JVM's (not another benchmark's that grabbed the port).
  if [[ $(readlink "/proc/$FPID/exe" 2>/dev/null) == */java ]] && ss -Htlnp "sport = :$PROXY_PORT" | grep -q "pid=$FPID,"; then
    up=1; break
  fi
  sleep 0.1
done
(( up )) || { cat "$W/fulcrum.log" >&2; die "Fulcrum did not listen on 127.0.0.1:$PROXY_PORT within 60 s"; }
tr '\0' '\n' < "/proc/$FPID/cmdline" | grep -q 'fulcrum.jar' || die "pid $FPID is not the Fulcrum JVM"
# jcmd of the same JDK as the running JVM (attach across versions is not guaranteed).
JCMD=$(dirname "$(readlink "/proc/$FPID/exe")")/jcmd
[[ -x $JCMD ]] || JCMD=$(command -v jcmd) || die "jcmd not found"
log "Fulcrum JVM pid $FPID: $(tr '\0' ' ' < "/proc/$FPID/cmdline")"
log "JVM flags: $("$JCMD" "$FPID" VM.flags 2>/dev/null | tail -n +2 | tr '\n' ' ')"
heap_range=$("$JCMD" "$FPID" GC.heap_info 2>/dev/null | grep -o '\[0x[0-9a-f]*, 0x[0-9a-f]*)' | head -1 | tr -d '[),')
log "machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# 2. Warm-up, then the baseline.
# Warm-up in rounds of WARM seconds until the RSS settles (grew less than WARM_STABLE_MB
# over a round, at least 2 rounds) or WARM_ROUNDS rounds have run: the JVM commits its
# initial heap up front but only pages it has touched are resident, so a baseline taken
# before the young generation has cycled would charge first-touch heap to the connections.
rounds=0; warm_total=0; stable=0
while (( rounds < WARM_ROUNDS )); do
  before_kb=$(status_kb "$FPID" VmRSS)
  warm=$(wrk -t1 -c50 -d"${WARM}s" "http://127.0.0.1:$PROXY_PORT/" 2>&1) || die "wrk warm-up failed: $warm"
  if grep -qE 'Non-2xx|Socket errors' <<<"$warm"; then die "wrk warm-up saw errors: $warm"; fi
  rounds=$((rounds + 1))
  reqs=$(awk '/requests in/ {print $1}' <<<"$warm"); warm_total=$((warm_total + reqs))
  sleep 1
  after_kb=$(status_kb "$FPID" VmRSS)
  log "warm-up round $rounds: $reqs requests ($(awk '/Requests\/sec/ {print $2}' <<<"$warm") req/s), VmRSS $((before_kb / 1024)) -> $((after_kb / 1024)) MiB"
  if (( rounds >= 2 && after_kb - before_kb < WARM_STABLE_MB * 1024 )); then stable=1; break; fi
done
if (( WARM_ROUNDS == 0 )); then
  log "warm-up: none (WARM_ROUNDS=0)"
elif (( stable )); then
  log "warm-up: RSS settled after $rounds rounds ($warm_total requests)"
elif (( WARM_ROUNDS == 1 )); then
  log "warm-up: 1 round, $warm_total requests; RSS not checked for settling (WARM_ROUNDS=1)"
else
  log "warm-up: RSS did not settle within $rounds rounds ($warm_total requests); the delta may include first-touch heap"
fi
sleep "$SETTLE"
if [[ $HISTO == 1 ]]; then
  "$JCMD" "$FPID" GC.class_histogram >"$W/histo.base" || die "jcmd GC.class_histogram failed"
  sleep 1
fi
if [[ $MEM_GC == 1 ]]; then
  "$JCMD" "$FPID" GC.run >/dev/null || die "jcmd GC.run failed"
  sleep 2
  log "(MEM_GC=1: jcmd GC.run just before the baseline reading)"
fi
[[ $NMT == 1 ]] && "$JCMD" "$FPID" VM.native_memory baseline >/dev/null
conns=$(established)
base_kb=$(status_kb "$FPID" VmRSS)
log "baseline ($conns client connections): $(rss_line "$FPID")"
# Another benchmark on the same fixed ports (e.g. wrk aimed at :18092) would skew both readings.
(( conns == 0 )) || die "$conns foreign client connection(s) on :$PROXY_PORT at the baseline (another benchmark using the port?)"

# 3. N idle keep-alive connections.
python3 "$client" --port "$PROXY_PORT" --connections "$N" --sources "$SOURCES" \
  --concurrency "$CONCURRENCY" >"$W/client.out" 2>"$W/client.err" &
CPID=$!
ready=""
for _ in $(seq 1 900); do
  ready=$(grep '^READY' "$W/client.out" 2>/dev/null)
  [[ -n $ready ]] && break
  kill -0 "$CPID" 2>/dev/null || break
  sleep 0.1
done
[[ -n $ready ]] || { cat "$W/client.err" >&2; die "the client did not finish opening connections"; }
log "client: $ready"
ok200=$(sed -E 's/.* ok200=([0-9]+).*/\1/' <<<"$ready")
held=$(sed -E 's/.* idle_open=([0-9]+).*/\1/' <<<"$ready")
steps_ok=1
[[ $ok200 == "$N" && $held == "$N" ]] || { log "FAILED: only $ok200 of $N got 200 and $held are held open"; steps_ok=0; }

# 4. Idle, nothing forced: the headline reading.
sleep "$SETTLE"
conns=$(established)
loaded_kb=$(status_kb "$FPID" VmRSS)
log "loaded ($conns client connections): $(rss_line "$FPID")"
(( conns == N )) || { log "FAILED: Fulcrum holds $conns established client connections, expected exactly $N (foreign connections?)"; steps_ok=0; }
if [[ $NMT == 1 ]]; then
  log "native memory, baseline -> loaded:"
  "$JCMD" "$FPID" VM.native_memory summary.diff | sed 's/^/    /'
fi
if [[ $HISTO == 1 ]]; then
  "$JCMD" "$FPID" GC.class_histogram >"$W/histo.loaded" || die "jcmd GC.class_histogram failed"
  log "live heap growth by class (after a full GC each; top ${HISTO_TOP:-25} by bytes):"
  awk -v n="$N" '
    FNR == NR && $1 ~ /^[0-9]+:$/ { bi[$4] = $2; bb[$4] = $3; next }
    $1 ~ /^[0-9]+:$/ { li[$4] = $2; lb[$4] = $3 }
    $1 == "Total" { if (FNR == NR) next }
    END {
      for (c in lb) { d = lb[c] - bb[c]; if (d != 0) printf "%12d %10d %10.2f %s\n", d, li[c] - bi[c], (li[c] - bi[c]) / n, c }
      for (c in bb) if (!(c in lb)) printf "%12d %10d %10.2f %s\n", -bb[c], -bi[c], -bi[c] / n, c
    }' "$W/histo.base" "$W/histo.loaded" | sort -k1,1nr > "$W/histo.diff"
  printf '    %12s %10s %10s %s\n' "bytes" "instances" "per-conn" "class"
  head -"${HISTO_TOP:-25}" "$W/histo.diff" | sed 's/^/    /'
  awk -v n="$N" '{ t += $1 } END { printf "    live heap growth: %.1f MiB total, %.0f bytes per connection\n", t/1048576, t/n }' "$W/histo.diff"
fi
gc_kb=""
if [[ $MEM_GC == 1 ]]; then
  "$JCMD" "$FPID" GC.run >/dev/null || { log "FAILED: jcmd GC.run"; steps_ok=0; }
  sleep 2
  gc_kb=$(status_kb "$FPID" VmRSS)
  log "loaded after jcmd GC.run ($(established) client connections): $(rss_line "$FPID")"
fi

# Close: the client checks every connection is still open and silent, then closes them.
kill -TERM "$CPID"
wait "$CPID"; crc=$?
CPID=""
check=$(grep '^CHECK' "$W/client.out")
log "client: ${check:-no CHECK line}"
(( crc == 0 )) || { log "FAILED: the client reported failures (exit $crc)"; cat "$W/client.err" >&2; steps_ok=0; }
sleep 2
log "after close ($(established) client connections): $(rss_line "$FPID")"

delta_kb=$((loaded_kb - base_kb))
summary=$(awk -v b="$base_kb" -v l="$loaded_kb" -v d="$delta_kb" -v n="$N" -v lim="$LIMIT_MB" 'BEGIN {
  printf "baseline_rss=%.1fMiB loaded_rss=%.1fMiB delta=%.1fMiB (%.1fMB) per_connection=%.2fKiB limit=%dMB verdict=%s",
    b/1024, l/1024, d/1024, d*1024/1e6, d/n, lim, (d*1024 < lim*1e6) ? "UNDER" : "NOT-UNDER" }')
echo "RESULT connections=$N $summary"
if [[ -n $gc_kb ]]; then
  awk -v b="$base_kb" -v g="$gc_kb" -v n="$N" 'BEGIN {
    printf "RESULT-AFTER-GC loaded_rss=%.1fMiB delta=%.1fMiB (%.1fMB) per_connection=%.2fKiB (baseline and loaded both right after jcmd GC.run)\n",
      g/1024, (g-b)/1024, (g-b)*1024/1e6, (g-b)/n }'
fi

(( steps_ok )) || exit 1
(( delta_kb * 1024 < LIMIT_MB * 1000000 )) || exit 2
exit 0
