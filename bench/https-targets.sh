# Sourced by bench/https-anchors.sh and bench/https-cpu-per-request.sh: makes the
# certificate, starts the two NGINX origins (18081, 18082), HAProxy (18490, h2c 18590), NGINX
# (18491, h2c 18591) and, unless NO_CANDIDATE is set, Fulcrum on bench/https.yaml (18443, h2c
# 18444; CANDIDATE_CMD may replace it). Leaves W (the scratch folder), TARGETS and H2C_PORT
# (ports by target), CPID (the candidate's process) and https_targets_stop.
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

# Warms the targets named up: each one briefly, and the candidate (a JVM) with every load the
# rounds measure, CANDIDATE_WARM seconds each (default 15), so that its JIT compiler has finished
# with the keep-alive, HTTP/2, h2c and new-connection paths before the first round: measured with
# per-thread CPU, C2 still took about 40% of the event loop's CPU in a first 10 s of new
# connections after 20 s of keep-alive warm-up, and next to none by the third.
https_targets_warm() {
  local t
  for t in "$@"; do wrk -t1 -c$C -d3s https://127.0.0.1:${TARGETS[$t]}/ >/dev/null 2>&1; done
  [ -n "${CPID:-}" ] || return 0
  local s=${CANDIDATE_WARM:-15}
  wrk -t1 -c$C -d${s}s https://127.0.0.1:18443/ >/dev/null 2>&1
  h2load -t1 -c$H2C -m$M -D$s https://127.0.0.1:18443/ >/dev/null 2>&1
  h2load -t1 -c$H2C -m$M -D$s http://127.0.0.1:18444/ >/dev/null 2>&1
  wrk -t1 -c$C -d${s}s -H 'Connection: close' https://127.0.0.1:18443/ >/dev/null 2>&1
  wrk -t1 -c$C -d${s}s -H 'Connection: close' https://127.0.0.1:18443/ >/dev/null 2>&1
}

# Stops everything https_targets started and removes the scratch folder.
https_targets_stop() {
  for p in origin nginxlb haproxy; do kill $(cat $W/$p.pid) 2>/dev/null; done
  if [ -n "${CPID:-}" ]; then kill $CPID 2>/dev/null; wait $CPID 2>/dev/null; fi
  rm -rf $W
}
