#!/usr/bin/env bash
# CPU time a DNS server spends per query, a figure a busy machine moves far less than
# queries/s: the server's utime+stime (/proc/PID/stat, all its threads) over a fixed number
# of queries sent by dnsperf, after a warm-up of the same size. For gdnsd (one UDP thread,
# zone example.test as in dns-anchors.sh) and for a candidate command (CANDIDATE_CMD,
# serving the same zone on CANDIDATE_PORT).
#
#   CANDIDATE_CMD='bin/fulcrum run -c bench/dns.yaml' CANDIDATE_PORT=15303 bench/dns-cpu-per-query.sh
#
# N: times dnsperf goes through its 1000-query file per measurement (default 1000, so 1M
# queries); QNAME: the name asked (default www.example.test); GDNSD_PORT (default 15301).
set -u
N=${N:-1000}; QNAME=${QNAME:-www.example.test}; GDNSD_PORT=${GDNSD_PORT:-15301}
W=$(mktemp -d /tmp/dnscpu.XXXX)
for i in $(seq 1 1000); do echo "$QNAME A"; done > $W/q.txt
hz=$(getconf CLK_TCK)

cpu_ticks() { awk '{print $14 + $15}' /proc/$1/stat; }

# measure NAME PID PORT: a warm-up run, then the measured one; prints CPU µs per query.
measure() {
  local name=$1 pid=$2 port=$3
  dig +short @127.0.0.1 -p $port $QNAME A | tr '\n' ' '; echo " <- $name"
  dnsperf -s 127.0.0.1 -p $port -d $W/q.txt -n $N -c 4 -q 200 >/dev/null 2>&1
  local before out after
  before=$(cpu_ticks $pid)
  out=$(dnsperf -s 127.0.0.1 -p $port -d $W/q.txt -n $N -c 4 -q 200 2>&1)
  after=$(cpu_ticks $pid)
  local done lost qps
  done=$(echo "$out" | awk '/Queries completed/ {print $3}')
  lost=$(echo "$out" | awk '/Queries lost/ {print $3}')
  qps=$(echo "$out" | awk '/Queries per second/ {print $4}')
  awk -v n="$name" -v t=$((after - before)) -v hz=$hz -v q="$done" -v l="$lost" -v r="$qps" \
    'BEGIN { printf "target=%s queries=%s lost=%s cpu_s=%.2f cpu_us_per_query=%.2f qps=%s\n", n, q, l, t / hz, t / hz * 1e6 / q, r }'
}

mkdir -p $W/gdnsd/zones $W/gdnsd/run $W/gdnsd/state
cat > $W/gdnsd/zones/example.test <<'Z'
$TTL 60
@   IN SOA ns1.example.test. admin.example.test. 1 3600 600 86400 60
@   IN NS  ns1.example.test.
ns1 IN A   127.0.0.1
www IN A   192.0.2.10
www IN A   192.0.2.11
Z
cat > $W/gdnsd/config <<CONF
options => { listen => [ 127.0.0.1:$GDNSD_PORT ], udp_threads => 1, tcp_threads => 1 }
CONF
gdnsd -c $W/gdnsd -D start >$W/gdnsd.log 2>&1 &
GPID=$!
sleep 2
measure gdnsd $GPID $GDNSD_PORT
kill $GPID 2>/dev/null; wait $GPID 2>/dev/null

if [ -n "${CANDIDATE_CMD:-}" ]; then
  bash -c "exec $CANDIDATE_CMD" >$W/candidate.log 2>&1 &
  CPID=$!
  for i in $(seq 1 60); do (exec 3<>/dev/tcp/127.0.0.1/$CANDIDATE_PORT) 2>/dev/null && break; sleep 1; done
  measure candidate $CPID $CANDIDATE_PORT
  kill $CPID 2>/dev/null; wait $CPID 2>/dev/null
fi
rm -rf $W
