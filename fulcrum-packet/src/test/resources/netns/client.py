# A test client for the packet-mode tests, run in the client namespace:
#   client.py tcp HOST PORT N [SRCPORT]  N connections, one "hello" each; prints each answer
#   client.py udp HOST PORT N            N sockets, one datagram each; prints each answer
#   client.py big HOST PORT BYTES        asks for BYTES bytes; prints how many came
#   client.py hold HOST PORT SECONDS     asks, waits SECONDS, asks again on the same connection
#   client.py halfclose HOST PORT        asks, shuts its sending side, reads to the end
#   client.py rst HOST PORT [SRCPORT]    asks, then closes with a reset
# Lines that could not be answered print "none".
import socket, struct, sys, time

mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
family = socket.AF_INET6 if ":" in host else socket.AF_INET

def connect(src=0, tries=3):
    for i in range(tries):
        s = socket.socket(family, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.settimeout(3)
        if src:
            s.bind(("", src))
        try:
            s.connect((host, port))
            return s
        except OSError:
            s.close()
    raise SystemExit("connect to %s:%d failed" % (host, port))

def ask(s):
    s.sendall(b"hello\n")
    data = b""
    while not data.endswith(b"\n"):
        try:
            chunk = s.recv(1024)
        except OSError:
            return "none"
        if not chunk:
            return "none"
        data += chunk
    return data.decode().strip()

def reset(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()

if mode == "tcp":
    src = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    for i in range(int(sys.argv[4])):
        s = connect(src)
        print(ask(s), flush=True)
        reset(s)  # no TIME_WAIT on the client, so a source port can be used again at once
elif mode == "udp":
    for i in range(int(sys.argv[4])):
        s = socket.socket(family, socket.SOCK_DGRAM)
        s.settimeout(1)
        answer = "none"
        for attempt in range(3):
            s.sendto(b"hello", (host, port))
            try:
                answer = s.recv(2048).decode().strip()
                break
            except OSError:
                pass
        print(answer, flush=True)
        s.close()
elif mode == "big":
    s = connect()
    want = int(sys.argv[4])
    s.sendall(("big %d\n" % want).encode())
    got = 0
    while got < want:
        chunk = s.recv(65536)
        if not chunk:
            break
        got += len(chunk)
    print(got, flush=True)
    s.close()
elif mode == "hold":
    s = connect()
    print(ask(s), flush=True)
    time.sleep(float(sys.argv[4]))
    print(ask(s), flush=True)
    reset(s)
elif mode == "halfclose":
    s = connect()
    print(ask(s), flush=True)
    s.shutdown(socket.SHUT_WR)
    while s.recv(1024):
        pass
    print("closed", flush=True)
    s.close()
elif mode == "rst":
    src = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    s = connect(src)
    print(ask(s), flush=True)
    reset(s)
