#!/usr/bin/env python3
"""Opens N keep-alive HTTP/1.1 client connections, sends one request on each, then holds them idle.

Used by bench/idle-memory.sh. Standard library only (selectors, non-blocking sockets).

Phases:
  1. open: at most --concurrency connections are in flight (connecting, sending or
     reading) at a time; each sends ONE "GET / HTTP/1.1" (keep-alive) and reads the
     full response (Content-Length or chunked). A finished connection is kept open
     and never touched again. Source addresses are spread round robin over
     --sources loopback addresses (127.0.0.2, 127.0.0.3, ...) so the ephemeral port
     range of a single address is never the limit.
  2. hold: prints one "READY ..." line on stdout and waits for SIGTERM/SIGINT
     (or --hold-max seconds, a safety bound).
  3. check and close: every idle connection is polled once; a readable socket means
     the server closed it (EOF) or sent something unprompted. Prints a "CHECK ..."
     line, closes everything and exits 0 only when every connection got a 200 and
     was still open (and silent) at the check.
"""

import argparse
import errno
import os
import select
import selectors
import signal
import socket
import sys
import time

IP_BIND_ADDRESS_NO_PORT = getattr(socket, "IP_BIND_ADDRESS_NO_PORT", 24)

CONNECTING, READING = 1, 2


class Conn:
    __slots__ = ("sock", "state", "buf", "out", "status", "started")

    def __init__(self, sock, request):
        self.sock = sock
        self.state = CONNECTING
        self.buf = bytearray()
        self.out = request
        self.status = None
        self.started = time.monotonic()


def response_complete(buf):
    """Returns (status, keep_alive) when buf holds one full response, None when more is needed.

    Raises ValueError on a malformed response.
    """
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = bytes(buf[:end]).decode("latin-1").split("\r\n")
    parts = head[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
        raise ValueError("bad status line %r" % head[0])
    status = int(parts[1])
    headers = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    keep_alive = "close" not in headers.get("connection", "").lower() and parts[0] == "HTTP/1.1"
    body = buf[end + 4:]
    if "chunked" in headers.get("transfer-encoding", "").lower():
        # Walk the chunks; the body ends with a zero-size chunk and an empty trailer line.
        pos = 0
        while True:
            eol = body.find(b"\r\n", pos)
            if eol < 0:
                return None
            size = int(bytes(body[pos:eol]).split(b";")[0], 16)
            if size == 0:
                # Last chunk: complete once the trailer section ends (an empty line).
                rest = body[eol + 2:]
                return (status, keep_alive) if rest.startswith(b"\r\n") or b"\r\n\r\n" in rest else None
            pos = eol + 2 + size + 2
            if pos > len(body):
                return None
    length = int(headers.get("content-length", "0"))
    if len(body) < length:
        return None
    if len(body) > length:
        raise ValueError("response longer than its Content-Length")
    return status, keep_alive


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=18092)
    ap.add_argument("--connections", type=int, default=10000)
    ap.add_argument("--sources", type=int, default=4,
                    help="spread source addresses over 127.0.0.2 .. 127.0.0.(1+N); 0 = let the kernel pick")
    ap.add_argument("--concurrency", type=int, default=200, help="connections in flight at once while opening")
    ap.add_argument("--open-timeout", type=float, default=40.0, help="give up on the open phase after this many seconds")
    ap.add_argument("--request-timeout", type=float, default=10.0, help="one connection's connect+request budget")
    ap.add_argument("--hold-max", type=float, default=300.0, help="safety bound on the idle hold")
    args = ap.parse_args()

    if not args.host.startswith("127."):
        sys.exit("idle_clients: only 127.0.0.0/8 targets are allowed")
    if not 0 <= args.sources <= 250:
        sys.exit("idle_clients: --sources must be 0..250")

    request = ("GET / HTTP/1.1\r\nHost: %s:%d\r\nUser-Agent: fulcrum-idle-memory\r\n"
               "Accept: */*\r\n\r\n" % (args.host, args.port)).encode()
    sources = ["127.0.0.%d" % (2 + i) for i in range(args.sources)]

    stop = {"flag": False}

    def on_signal(signum, frame):
        stop["flag"] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    sel = selectors.DefaultSelector()
    idle = []            # sockets that completed their exchange and are held open
    statuses = {}        # status code -> count
    failures = {}        # reason -> count
    started = 0
    in_flight = 0
    t0 = time.monotonic()
    deadline = t0 + args.open_timeout

    def fail(conn, reason):
        nonlocal in_flight
        failures[reason] = failures.get(reason, 0) + 1
        sel.unregister(conn.sock)
        conn.sock.close()
        in_flight -= 1

    def start_one(i):
        nonlocal in_flight
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        if sources:
            s.setsockopt(socket.SOL_IP, IP_BIND_ADDRESS_NO_PORT, 1)
            s.bind((sources[i % len(sources)], 0))
        conn = Conn(s, request)
        rc = s.connect_ex((args.host, args.port))
        if rc not in (0, errno.EINPROGRESS):
            failures["connect:" + errno.errorcode.get(rc, str(rc))] = failures.get(
                "connect:" + errno.errorcode.get(rc, str(rc)), 0) + 1
            s.close()
            return
        sel.register(s, selectors.EVENT_WRITE, conn)
        in_flight += 1

    while (started < args.connections or in_flight) and not stop["flag"]:
        now = time.monotonic()
        if now > deadline:
            failures["open-phase-timeout"] = failures.get("open-phase-timeout", 0) + in_flight + (args.connections - started)
            for key in list(sel.get_map().values()):
                key.fileobj.close()
            in_flight = 0
            break
        while started < args.connections and in_flight < args.concurrency:
            try:
                start_one(started)
            except OSError as e:
                failures["socket:" + (errno.errorcode.get(e.errno, str(e.errno)))] = failures.get(
                    "socket:" + (errno.errorcode.get(e.errno, str(e.errno))), 0) + 1
            started += 1
        for key, mask in sel.select(timeout=0.2):
            conn = key.data
            s = conn.sock
            if conn.state == CONNECTING:
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    fail(conn, "connect:" + errno.errorcode.get(err, str(err)))
                    continue
                try:
                    n = s.send(conn.out)
                except OSError as e:
                    fail(conn, "send:" + errno.errorcode.get(e.errno, str(e.errno)))
                    continue
                conn.out = conn.out[n:]
                if not conn.out:
                    conn.state = READING
                    sel.modify(s, selectors.EVENT_READ, conn)
                continue
            try:
                data = s.recv(65536)
            except BlockingIOError:
                continue
            except OSError as e:
                fail(conn, "recv:" + errno.errorcode.get(e.errno, str(e.errno)))
                continue
            if not data:
                fail(conn, "closed-before-response")
                continue
            conn.buf += data
            try:
                done = response_complete(conn.buf)
            except ValueError as e:
                fail(conn, "bad-response")
                continue
            if done is None:
                continue
            status, keep_alive = done
            statuses[status] = statuses.get(status, 0) + 1
            sel.unregister(s)
            in_flight -= 1
            if not keep_alive:
                failures["server-not-keep-alive"] = failures.get("server-not-keep-alive", 0) + 1
                s.close()
                continue
            idle.append(s)
        # Per-connection budget: anything in flight for too long is a failure.
        now = time.monotonic()
        for key in list(sel.get_map().values()):
            if now - key.data.started > args.request_timeout:
                fail(key.data, "request-timeout")

    sel.close()
    open_secs = time.monotonic() - t0
    ok200 = statuses.get(200, 0)
    status_txt = ",".join("%d:%d" % (k, v) for k, v in sorted(statuses.items())) or "none"
    fail_txt = ",".join("%s:%d" % (k, v) for k, v in sorted(failures.items())) or "none"
    print("READY requested=%d ok200=%d idle_open=%d statuses=%s failures=%s open_seconds=%.1f"
          % (args.connections, ok200, len(idle), status_txt, fail_txt, open_secs), flush=True)

    hold_end = time.monotonic() + args.hold_max
    while not stop["flag"] and time.monotonic() < hold_end:
        time.sleep(0.1)

    # One look at every held connection: readable means closed by the server (or unprompted data).
    poller = select.poll()
    by_fd = {}
    events = select.POLLIN | getattr(select, "POLLRDHUP", 0)
    for s in idle:
        poller.register(s.fileno(), events)
        by_fd[s.fileno()] = s
    closed = unexpected = 0
    for fd, ev in poller.poll(0):
        s = by_fd[fd]
        try:
            data = s.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
        except OSError:
            data = b""
        if data:
            unexpected += 1
        else:
            closed += 1
    still_open = len(idle) - closed - unexpected
    print("CHECK held=%d still_open=%d closed_by_server=%d unexpected_data=%d"
          % (len(idle), still_open, closed, unexpected), flush=True)
    for s in idle:
        s.close()
    ok = ok200 == args.connections and still_open == args.connections
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
