#!/usr/bin/env bash
# Side-by-side HTTPS termination: HAProxy (`ssl crt`) vs NGINX (`ssl`) vs Fulcrum
# (bench/https.yaml), all with the same self-signed ECDSA P-256 certificate made here,
# all balancing round robin over the same two plain NGINX origins (18081, 18082), one
# worker/thread each. Per round and target, interleaved (A B C A B C ...):
#   h1  HTTPS keep-alive requests/s, p50, p99 (wrk, 1 thread, C connections)
#   h2  HTTP/2 over TLS requests/s (h2load, 1 thread, H2C connections x M streams)
#   h2c HTTP/2 in cleartext by prior knowledge, requests/s (h2load, as h2)
#   hs  new TLS connection per request, i.e. full handshakes/s (wrk, Connection: close)
#   rs  TLS 1.3 handshakes/s, full and resumed, with the same client (bench/tls-handshakes.py:
#       P processes, one connection at a time each, a request per connection; resumed offers
#       the previous connection's ticket), so the two are comparable
# Before the rounds, what each target negotiates with the clients' OpenSSL (protocol,
# cipher suite, key-exchange group, signature) is printed once per target (`tls=` lines).
# Ports: HAProxy 18490 (h2c 18590), NGINX 18491 (h2c 18591), Fulcrum 18443 (h2c 18444).
# Knobs: C, H2C, M, D (seconds), R (rounds), P (handshake client processes).
# The candidate is Fulcrum from this repository (fulcrum-app/target/fulcrum.jar, built
# when missing); CANDIDATE_CMD may replace it ($BENCH_CONFIG is the generated config);
# NO_CANDIDATE=1 measures the anchors only.
set -u
C=${C:-50}; H2C=${H2C:-10}; M=${M:-10}; D=${D:-6}; R=${R:-3}; P=${P:-4}
ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
. "$ROOT/bench/https-targets.sh"
ORDER="haproxy nginx ${CPID:+candidate}"
https_targets_warm $ORDER
for t in $ORDER; do
  neg=$(openssl s_client -connect 127.0.0.1:${TARGETS[$t]} -servername bench.test -brief </dev/null 2>&1 |
    awk -F': ' '/^(Protocol version|Ciphersuite|Peer signature type|Server Temp Key|Negotiated TLS1.3 group)/ {printf "%s=%s; ", $1, $2}')
  h2neg=$(h2load -n1 -c1 https://127.0.0.1:${TARGETS[$t]}/ 2>&1 | awk '/^(TLS Protocol|Cipher|Server Temp Key):/ {printf "%s ", $0}')
  echo "tls target=$t s_client/wrk: $neg h2load: $h2neg"
done
for r in $(seq 1 $R); do
  for t in $ORDER; do
    url=https://127.0.0.1:${TARGETS[$t]}/
    out=$(wrk -t1 -c$C -d${D}s --latency $url 2>&1)
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1=="50%" {print $2}')
    p99=$(echo "$out" | awk '$1=="99%" {print $2}')
    err=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
    echo "round=$r target=$t load=h1 rps=$rps p50=$p50 p99=$p99 $err"
    out=$(h2load -t1 -c$H2C -m$M -D$D $url 2>&1)
    rps=$(echo "$out" | awk '/^finished in/ {print $4}')
    fails=$(echo "$out" | awk '/^requests:/ {print $8, $9}')
    proto=$(echo "$out" | awk '/Application protocol:/ {print $3}')
    echo "round=$r target=$t load=h2 rps=$rps protocol=$proto $fails"
    out=$(h2load -t1 -c$H2C -m$M -D$D http://127.0.0.1:${H2C_PORT[$t]}/ 2>&1)
    rps=$(echo "$out" | awk '/^finished in/ {print $4}')
    fails=$(echo "$out" | awk '/^requests:/ {print $8, $9}')
    echo "round=$r target=$t load=h2c rps=$rps $fails"
    out=$(wrk -t1 -c$C -d${D}s -H 'Connection: close' $url 2>&1)
    hs=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    err=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
    echo "round=$r target=$t load=hs handshakes/s=$hs $err"
    full=$(python3 "$ROOT/bench/tls-handshakes.py" 127.0.0.1 ${TARGETS[$t]} full $D $P)
    resumed=$(python3 "$ROOT/bench/tls-handshakes.py" 127.0.0.1 ${TARGETS[$t]} resumed $D $P)
    echo "round=$r target=$t load=rs full: $full | resumed: $resumed"
  done
done
https_targets_stop
