#!/usr/bin/env bash
# Failover under load: no request lost when one backend is killed.
#
#   bench/failover.sh
#
# Starts two NGINX origins (single-process, on 127.0.0.1:18083 and :18084), starts
# `bin/fulcrum run -c examples/failover.yaml` (proxy on 127.0.0.1:18093, HTTP check
# every second, fall 2, rise 2, retries on), runs wrk for DURATION seconds, kills the
# origin on :18084 with SIGKILL KILL_AT seconds in, and prints the request count, the
# non-2xx responses and socket errors wrk saw, and the detection time: from the kill
# to the "backend.down" event in Fulcrum's event log.
#
# Environment (all optional): DURATION=10, KILL_AT=4, THREADS=2, CONNECTIONS=32.
set -euo pipefail

DURATION=${DURATION:-10}
KILL_AT=${KILL_AT:-4}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
PROXY_PORT=18093

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
config=$root/examples/failover.yaml
die() { echo "failover: $*" >&2; exit 1; }

for tool in nginx wrk curl ss; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
[[ -f $root/fulcrum-app/target/fulcrum.jar ]] || die "fulcrum-app/target/fulcrum.jar not found; build with ./mvnw -B -q -DskipTests package"
for port in 18083 18084 $PROXY_PORT; do
  [[ -z $(ss -Htln "sport = :$port") ]] || die "127.0.0.1:$port is already in use"
done

W=$(mktemp -d /tmp/failover.XXXX)
FPID=""; APID=""; BPID=""
cleanup() {
  for pid in $APID $BPID; do kill -KILL "$pid" 2>/dev/null || true; done
  if [[ -n $FPID ]] && kill -0 "$FPID" 2>/dev/null; then
    kill -TERM "$FPID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$FPID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$FPID" 2>/dev/null || true
  fi
  wait 2>/dev/null || true
  rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# One NGINX process per origin (no master), so SIGKILL takes the whole origin down at once.
origin() {
  local name=$1 port=$2
  mkdir -p "$W/$name"
  cat > "$W/$name/nginx.conf" <<CONF
master_process off; daemon off; worker_processes 1; pid $W/$name/nginx.pid; error_log $W/$name/error.log;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  server { listen 127.0.0.1:$port; location / { return 200 "origin $name\n"; } } }
CONF
  nginx -c "$W/$name/nginx.conf" -p "$W/$name" &
}
origin a 18083; APID=$!; disown "$APID"
origin b 18084; BPID=$!; disown "$BPID"

"$root/bin/fulcrum" run --no-watch -c "$config" >"$W/fulcrum.log" 2>&1 &
FPID=$!
for _ in $(seq 1 300); do
  kill -0 "$FPID" 2>/dev/null || { cat "$W/fulcrum.log" >&2; die "Fulcrum exited during start-up"; }
  curl -fsS -o /dev/null "http://127.0.0.1:$PROXY_PORT/" 2>/dev/null && break
  sleep 0.1
done
curl -fsS -o /dev/null "http://127.0.0.1:$PROXY_PORT/" || die "the proxy does not answer on :$PROXY_PORT"
sleep 1.5   # let the first checks pass

wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:$PROXY_PORT/" >"$W/wrk.out" 2>&1 &
WPID=$!
sleep "$KILL_AT"
kill_time=$(date +%s.%N)
kill -KILL "$BPID"; BPID=""
echo "failover: killed origin b (127.0.0.1:18084) at $(date -d "@$kill_time" '+%H:%M:%S.%3N'), ${KILL_AT}s into a ${DURATION}s run"
wait "$WPID" || die "wrk failed: $(cat "$W/wrk.out")"

requests=$(awk '/requests in/ { print $1 }' "$W/wrk.out")
non2xx=$(awk -F': ' '/Non-2xx or 3xx responses/ { print $2 }' "$W/wrk.out")
socket=$(awk -F': ' '/Socket errors/ { print $2 }' "$W/wrk.out")
rps=$(awk '/Requests\/sec/ { print $2 }' "$W/wrk.out")
down_line=$(grep -m1 'backend.down origins/b' "$W/fulcrum.log" || true)
if [[ -n $down_line ]]; then
  down_stamp=$(awk '{ print $1" "$2 }' <<<"$down_line")
  down_time=$(date -d "$down_stamp" +%s.%N)
  detection=$(awk -v a="$kill_time" -v b="$down_time" 'BEGIN { printf "%.3f s", b - a }')
else
  detection="no backend.down event logged"
fi
since_kill() {  # seconds from the kill to the log line's timestamp
  local stamp
  stamp=$(awk '{ print $1" "$2 }' <<<"$1")
  awk -v a="$kill_time" -v b="$(date -d "$stamp" +%s.%N)" 'BEGIN { printf "%.3f s", b - a }'
}
eject_line=$(grep -m1 'backend.ejected origins/b' "$W/fulcrum.log" || true)
ejection="none (no request hit the dead origin)"
[[ -n $eject_line ]] && ejection=$(since_kill "$eject_line")

echo "failover: requests:        ${requests:-?} (${rps:-?} req/s, wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s)"
echo "failover: non-2xx/3xx:     ${non2xx:-0}"
echo "failover: socket errors:   ${socket:-none}"
echo "failover: detection time:  $detection (kill -> backend.down event; check every 1s, fall 2)"
echo "failover: passive ejection: $ejection (kill -> backend.ejected event, seen on the 100 ms tick)"
echo "failover: event:           ${down_line:-none}"
