#!/usr/bin/env python3
"""Splits a JVM's resident memory into Java heap and everything else, from /proc/PID/smaps.

usage: rss_split.py PID HEAP_START HEAP_END   (hex addresses, the reserved heap range
that "jcmd PID GC.heap_info" prints as [0x..., 0x...))
Prints "heap=X.XMiB nonheap=Y.YMiB": Rss of the mappings inside the range, and the rest.
"""
import re
import sys

pid, lo, hi = sys.argv[1], int(sys.argv[2], 16), int(sys.argv[3], 16)
heap = other = 0
inside = False
with open("/proc/%s/smaps" % pid) as f:
    for line in f:
        m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) ", line)
        if m:
            inside = int(m.group(1), 16) >= lo and int(m.group(2), 16) <= hi
        elif line.startswith("Rss:"):
            kb = int(line.split()[1])
            if inside:
                heap += kb
            else:
                other += kb
print("heap=%.1fMiB nonheap=%.1fMiB" % (heap / 1024, other / 1024))
