# The JVM flags of the fulcrum command, by what the command does. Sourced (bash) by
# bin/fulcrum and by the launcher the Debian package installs as /usr/bin/fulcrum, so both
# start the JVM the same way; defines variables and functions and changes nothing else.
#
#   fulcrum_java_options ARCHIVE ARGS...
#       sets the array fulcrum_java_opts to the flags for `fulcrum ARGS...`:
#       - the data plane (run, demo, agent): the tuning below, or $FULCRUM_JAVA_OPTS instead;
#       - `run` with a configuration that serves DNS only: the DNS server's flags below, or
#         $FULCRUM_JAVA_OPTS instead;
#       - every other command (ctl, validate, version, handoff, conns, reload, help...):
#         a small, quick-starting JVM, or $FULCRUM_CLIENT_JAVA_OPTS instead, reading the
#         class-data archive ARCHIVE when that file exists.
#   fulcrum_make_client_archive JAVA JAR ARCHIVE
#       writes ARCHIVE for JAR when it is missing or older than JAR (returns 1 when it cannot).

# Default tuning for the data plane (measured in docs/benchmarks.md): the parallel
# collector's cheap write barriers and a large, fixed young generation make young
# collections rare and short with Fulcrum's tiny live set; compact object headers cut
# allocation; Netty's leak detector samples buffers in production only when asked
# (tests run it at paranoid). Buffer bounds and reference-count checks stay on.
# Fixed generation sizes and a tenuring threshold of 1: objects that outlive one young
# collection (connections, pools, compiled routes) go to the old generation at once
# instead of being copied up to 15 times, which took young pauses from 3-9 ms to about
# 0.5 ms; and without adaptive resizing the young generation does not grow mid-run, whose
# first pass over the new pages (page faults) otherwise landed inside a measured run.
# No speculative branch pruning in compiled code (trap limits 0): otherwise a branch that
# is rare but certain to come (a per-channel 16-bit operation counter wrapping in Netty's
# io_uring channels, a connection's first write or close) deoptimises hot, heavily
# inlined methods minutes into a run, and the slow interval while they are recompiled
# shows in the tail latency. Measured: no loss of requests/s. (docs/design/transports.md)
fulcrum_data_plane_opts=(-XX:+UseParallelGC -XX:+UseCompactObjectHeaders -Xms1g -Xmx1g -Xmn512m
  -XX:-UseAdaptiveSizePolicy -XX:MaxTenuringThreshold=1
  -XX:PerMethodTrapLimit=0 -XX:PerBytecodeTrapLimit=0
  -Dio.netty.leakDetection.level=disabled)

# A node that only answers DNS (run with a configuration that has a dns: section and no
# listeners:, virtualServices: or store:) gets the JVM's own defaults instead of the tuning
# above: that is what the recorded 1.2-1.3 x PowerDNS ran with (plain java -jar), and the
# proxy's tuning measured 1.00 x. The tuning answers the proxy's problems, which a DNS server
# does not have: its answer path allocates nothing on the Java heap (the young-generation
# sizing buys nothing), and its UDP sockets are epoll's, not the io_uring channels whose
# counter wrap the trap limits are for, while those limits make C2 compile every branch it
# never saw taken in the hot receive-and-answer loop. Only the leak detector's sampling is
# turned off, as above (it records a stack trace for one buffer in 128, two buffers a
# query). (docs/benchmarks.md, "DNS queries per second")
fulcrum_dns_opts=(-Dio.netty.leakDetection.level=disabled)

# A client command runs for a fraction of a second: the heap flags above would only cost
# (a 1 GB heap to set up), and the optimising compiler never pays back. C1 only, the serial
# collector with a small heap, no perf-data file. (docs/benchmarks.md, "Client commands")
fulcrum_client_opts=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xms16m -XX:-UsePerfData -Xshare:auto)

# The commands that serve traffic; every other one is a client.
fulcrum_is_data_plane() {
  case $1 in
    run | demo | agent) return 0 ;;
    *) return 1 ;;
  esac
}

# Whether the configuration file FILE serves DNS only: a top-level dns: section and none of
# the top-level sections that carry other traffic (listeners:, virtualServices:) or may bring
# it (store:, where the file is only the bootstrap). Read as lines, not parsed: a file that
# cannot be read, or is written in another shape, gets the data plane's tuning.
fulcrum_serves_dns_only() {
  local file=$1
  [[ -r $file ]] || return 1
  grep -Eq '^dns:' "$file" || return 1
  ! grep -Eq '^(listeners|virtualServices|store):' "$file"
}

# "data-plane", "dns" or "client": what `fulcrum ARGS...` runs. The first word that is not an
# option names the command; a help or version option only prints, whatever the command.
# "dns" is `run` with a configuration (-c FILE, -cFILE, --config FILE, --config=FILE) that serves
# DNS only.
fulcrum_command_kind() {
  local command='' config='' previous='' arg
  for arg in "$@"; do
    case $arg in
      -h | --help | -V | --version) command=''; break ;;
      --config=*) config=${arg#--config=} ;;
      -c?*) config=${arg#-c} ;;
      -*) ;;
      *)
        if [[ $previous == -c || $previous == --config ]]; then
          config=$arg
        elif [[ -z $command ]]; then
          command=$arg
        fi
        ;;
    esac
    previous=$arg
  done
  if [[ $command == run && -n $config ]] && fulcrum_serves_dns_only "$config"; then
    echo dns
  elif [[ -n $command ]] && fulcrum_is_data_plane "$command"; then
    echo data-plane
  else
    echo client
  fi
}

fulcrum_java_options() {
  local archive=$1
  shift
  local kind
  kind=$(fulcrum_command_kind "$@")
  if [[ $kind == data-plane || $kind == dns ]]; then
    if [[ $kind == dns ]]; then
      fulcrum_java_opts=("${fulcrum_dns_opts[@]}")
    else
      fulcrum_java_opts=("${fulcrum_data_plane_opts[@]}")
    fi
    if [[ -n ${FULCRUM_JAVA_OPTS:-} ]]; then
      read -r -a fulcrum_java_opts <<< "$FULCRUM_JAVA_OPTS"
    fi
    return 0
  fi
  fulcrum_java_opts=("${fulcrum_client_opts[@]}")
  if [[ -n ${FULCRUM_CLIENT_JAVA_OPTS:-} ]]; then
    read -r -a fulcrum_java_opts <<< "$FULCRUM_CLIENT_JAVA_OPTS"
  fi
  if [[ -n $archive && -r $archive ]]; then
    # A stale archive is only slower (the JVM then loads the classes from the jar); its
    # report of that goes to stdout, where the command's output goes: silenced.
    fulcrum_java_opts+=(-Xlog:cds*=off -Xlog:aot*=off "-XX:SharedArchiveFile=$archive")
  fi
}

# Class data sharing (AppCDS): the classes a client command loads, parsed and verified once
# and mapped from this file by every later start. Written by a training run of one ctl call
# to a port where nothing listens (it loads the command model, logging, the JSON mapper and
# the HTTP client, then fails to connect), into a temporary file renamed into place, so a
# command started meanwhile never maps half an archive. The JVM checks the jar's size and
# time against the archive and ignores an archive that does not match.
fulcrum_make_client_archive() {
  local java=$1 jar=$2 archive=$3 tmp
  if [[ -f $archive && ! $jar -nt $archive ]]; then
    return 0
  fi
  tmp=$archive.$$.tmp
  "$java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow "${fulcrum_client_opts[@]}" \
    -Xlog:cds*=off -Xlog:aot*=off "-XX:ArchiveClassesAtExit=$tmp" -jar "$jar" \
    ctl --server http://127.0.0.1:1/ --token training backends > /dev/null 2>&1 || true
  if [[ -s $tmp ]] && mv -f "$tmp" "$archive"; then
    return 0
  fi
  rm -f "$tmp"
  return 1
}
