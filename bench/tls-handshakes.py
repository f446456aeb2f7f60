#!/usr/bin/env python3
"""TLS handshakes per second against one HTTPS server, full or resumed.

Usage: tls-handshakes.py HOST PORT MODE [SECONDS] [PROCESSES] [TLSVERSION]
  MODE        full     every connection makes a full handshake (no session offered)
              resumed  every connection offers the session of the process's previous one
                       (a TLS 1.3 ticket or a TLS 1.2 ticket/session id)
  SECONDS     how long each process runs (default 6)
  PROCESSES   client processes, one connection at a time each (default 4)
  TLSVERSION  1.3 (default) or 1.2

Each connection: TCP connect, handshake, `GET /` with `Connection: close`, the response
read to its end, close. Prints one line: handshakes/s over all processes, how many
connections resumed, and errors. The client does not check the certificate (the bench
certificates are self-signed); it runs the same for every server it is pointed at.
"""
import multiprocessing
import socket
import ssl
import sys
import time


def worker(host, port, mode, seconds, version, out):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    v = ssl.TLSVersion.TLSv1_3 if version == "1.3" else ssl.TLSVersion.TLSv1_2
    ctx.minimum_version = v
    ctx.maximum_version = v
    request = b"GET / HTTP/1.1\r\nHost: bench.test\r\nConnection: close\r\n\r\n"
    session = None
    done = reused = errors = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with socket.create_connection((host, port), timeout=5) as raw:
                raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                with ctx.wrap_socket(raw, server_hostname="bench.test",
                                     session=session if mode == "resumed" else None) as s:
                    s.sendall(request)
                    while s.recv(65536):
                        pass
                    done += 1
                    reused += 1 if s.session_reused else 0
                    if mode == "resumed":
                        session = s.session
        except (OSError, ssl.SSLError):
            errors += 1
            session = None
    out.put((done, reused, errors))


def main():
    host, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 6.0
    processes = int(sys.argv[5]) if len(sys.argv) > 5 else 4
    version = sys.argv[6] if len(sys.argv) > 6 else "1.3"
    if mode not in ("full", "resumed"):
        sys.exit("MODE is full or resumed")
    out = multiprocessing.Queue()
    ps = [multiprocessing.Process(target=worker, args=(host, port, mode, seconds, version, out))
          for _ in range(processes)]
    for p in ps:
        p.start()
    results = [out.get() for _ in ps]
    for p in ps:
        p.join()
    done = sum(r[0] for r in results)
    reused = sum(r[1] for r in results)
    errors = sum(r[2] for r in results)
    print(f"handshakes/s={done / seconds:.1f} connections={done} resumed={reused} errors={errors} "
          f"mode={mode} tls={version}")


if __name__ == "__main__":
    main()
