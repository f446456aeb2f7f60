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
W=$(mktemp -d /tmp/httpsbench.XXXX)
for cmd in nginx haproxy wrk h2load openssl python3; do
  command -v $cmd >/dev/null || { echo "missing $cmd (Debian packages: nginx haproxy wrk nghttp2-client openssl)" >&2; exit 1; }
done
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=bench.test \
  -addext "subjectAltName=DNS:bench.test,IP:127.0.0.1" -keyout $W/site.key -out $W/site.crt 2>/dev/null
cat $W/site.crt $W/site.key > $W/site.pem
cat > $W/origin.conf <<CONF
worker_processes 1; pid $W/origin.pid; error_log $W/origin.err; daemon on;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  server { listen 127.0.0.1:18081; location / { return 200 "hello world\n"; } }
  server { listen 127.0.0.1:18082; location / { return 200 "hello world\n"; } } }
CONF
cat > $W/haproxy.cfg <<CONF
global
  nbthread 1
  maxconn 4000
  pidfile $W/haproxy.pid
  daemon
  ssl-default-bind-options ssl-min-ver TLSv1.2
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  http-reuse always
frontend fe
  bind 127.0.0.1:18490 ssl crt $W/site.pem alpn h2,http/1.1
  default_backend be
frontend fe_h2c
  bind 127.0.0.1:18590 proto h2
  default_backend be
backend be
  balance roundrobin
  server s1 127.0.0.1:18081
  server s2 127.0.0.1:18082
CONF
cat > $W/nginxlb.conf <<CONF
worker_processes 1; pid $W/nginxlb.pid; error_log $W/nginxlb.err; daemon on;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  upstream be { server 127.0.0.1:18081; server 127.0.0.1:18082; keepalive 128; }
  server { listen 127.0.0.1:18491 ssl http2;
    ssl_certificate $W/site.crt; ssl_certificate_key $W/site.key; ssl_protocols TLSv1.2 TLSv1.3;
    location / { proxy_pass http://be; proxy_http_version 1.1; proxy_set_header Connection ""; } }
  server { listen 127.0.0.1:18591 http2;
    location / { proxy_pass http://be; proxy_http_version 1.1; proxy_set_header Connection ""; } } }
CONF
nginx -c $W/origin.conf -p $W
haproxy -f $W/haproxy.cfg
nginx -c $W/nginxlb.conf -p $W
declare -A TARGETS=( [haproxy]=18490 [nginx]=18491 )
declare -A H2C_PORT=( [haproxy]=18590 [nginx]=18591 )
if [ -z "${NO_CANDIDATE:-}" ]; then
  export BENCH_CONFIG=$W/https.yaml
  sed "s|BENCH_TLS_DIR|$W|g" "$ROOT/bench/https.yaml" > $BENCH_CONFIG
  if [ -z "${CANDIDATE_CMD:-}" ]; then
    [ -f "$ROOT/fulcrum-app/target/fulcrum.jar" ] || (cd "$ROOT" && ./mvnw -B -q package -DskipTests) || exit 1
    CANDIDATE_CMD="$ROOT/bin/fulcrum run -c $BENCH_CONFIG"
  fi
  bash -c "exec $CANDIDATE_CMD" >$W/candidate.log 2>&1 & CPID=$!
  for i in $(seq 1 ${CANDIDATE_WAIT:-60}); do (exec 3<>/dev/tcp/127.0.0.1/18443) 2>/dev/null && break; sleep 1; done
  TARGETS[candidate]=18443
  H2C_PORT[candidate]=18444
fi
sleep 1
ORDER="haproxy nginx ${CPID:+candidate}"
for t in $ORDER; do wrk -t1 -c$C -d3s https://127.0.0.1:${TARGETS[$t]}/ >/dev/null 2>&1; done  # warm-up
[ -n "${CPID:-}" ] && { wrk -t1 -c$C -d${CANDIDATE_WARM:-15}s https://127.0.0.1:18443/ >/dev/null 2>&1;
  h2load -t1 -c$H2C -m$M -D5 https://127.0.0.1:18443/ >/dev/null 2>&1; }  # JIT warm-up
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
for p in origin nginxlb haproxy; do kill $(cat $W/$p.pid) 2>/dev/null; done
if [ -n "${CPID:-}" ]; then kill $CPID 2>/dev/null; wait $CPID 2>/dev/null; fi
rm -rf $W
