#!/usr/bin/env bash
# Side-by-side authoritative DNS throughput: gdnsd and PowerDNS (bind backend) vs the project (CANDIDATE_PORT).
# Zone example.test with www A records; dnsperf, 10 s per round, interleaved.
# Project copy of dns-anchors.sh, the anchor script kept beside the repository
# (../shared/bench), with one knob more: QNAME, the name asked
# (default www.example.test). QNAME=gslb.example.test asks the candidate's GSLB record
# (bench/dns.yaml); gdnsd and PowerDNS serve that name as two plain A records, the
# nearest static equivalent, so every target answers NOERROR.
set -u
D=${D:-8}; R=${R:-2}; QNAME=${QNAME:-www.example.test}
W=$(mktemp -d /tmp/dnsbench.XXXX)
mkdir -p $W/gdnsd/zones $W/gdnsd/run $W/gdnsd/state
cat > $W/example.test.zone <<'Z'
$TTL 60
@   IN SOA ns1.example.test. admin.example.test. 1 3600 600 86400 60
@   IN NS  ns1.example.test.
ns1 IN A   127.0.0.1
www IN A   192.0.2.10
www IN A   192.0.2.11
gslb IN A  192.0.2.20
gslb IN A  192.0.2.30
Z
cp $W/example.test.zone $W/gdnsd/zones/example.test
cat > $W/gdnsd/config <<CONF
options => { listen => [ 127.0.0.1:15301 ], udp_threads => 1, tcp_threads => 1 }
CONF
gdnsd -c $W/gdnsd -D start >$W/gdnsd.log 2>&1 &
GPID=$!
cat > $W/named.conf <<CONF
zone "example.test" { type master; file "$W/example.test.zone"; };
CONF
pdns_server --no-config --daemon=no --launch=bind --bind-config=$W/named.conf --local-address=127.0.0.1 --local-port=15302 --socket-dir=$W --receiver-threads=1 --distributor-threads=1 --cache-ttl=60 --query-cache-ttl=60 >$W/pdns.log 2>&1 &
PPID2=$!
if [ -n "${CANDIDATE_CMD:-}" ]; then bash -c "exec $CANDIDATE_CMD" >$W/candidate.log 2>&1 & CPID=$!; for i in $(seq 1 ${CANDIDATE_WAIT:-60}); do (exec 3<>/dev/tcp/127.0.0.1/$CANDIDATE_PORT) 2>/dev/null && break; sleep 1; done; fi
sleep 2
for i in $(seq 1 1000); do echo "$QNAME A"; done > $W/q.txt
declare -A T=( [gdnsd]=15301 [pdns]=15302 )
if [ -n "${CANDIDATE_PORT:-}" ]; then T[candidate]=$CANDIDATE_PORT; fi
for t in "${!T[@]}"; do dig +short @127.0.0.1 -p ${T[$t]} $QNAME A | tr '\n' ' '; echo " <- $t"; done
for r in $(seq 1 $R); do
  for t in gdnsd pdns ${CANDIDATE_PORT:+candidate}; do
    out=$(dnsperf -s 127.0.0.1 -p ${T[$t]} -d $W/q.txt -l $D -c 4 -q 200 2>&1)
    qps=$(echo "$out" | awk '/Queries per second/ {print $4}')
    lost=$(echo "$out" | awk '/Queries lost/ {print $3}')
    lat=$(echo "$out" | awk '/Average Latency/ {print $4}')
    echo "round=$r target=$t qname=$QNAME qps=$qps lost=$lost avg_latency_s=$lat"
  done
done
# The candidate is stopped first: a bare `wait` would otherwise wait for it too.
if [ -n "${CPID:-}" ]; then kill $CPID 2>/dev/null; wait $CPID 2>/dev/null; fi
kill $GPID $PPID2 2>/dev/null; wait 2>/dev/null
rm -rf $W
