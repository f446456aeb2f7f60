# A test server for the packet-mode tests, run in a server namespace:
#   server.py NAME PORT
# TCP (dual stack): each line "hello" is answered "NAME CLIENT-IP:PORT"; "big N" with N bytes;
# end of stream closes. UDP: each datagram is answered "NAME CLIENT-IP:PORT".
import socket, sys, threading

name, port = sys.argv[1], int(sys.argv[2])

def peer(a):
    host = a[0][7:] if a[0].startswith("::ffff:") else a[0]
    return "%s:%d" % (host, a[1])

def serve(c, a):
    with c:
        f = c.makefile("rb")
        for line in f:
            cmd = line.strip().decode()
            if cmd.startswith("big "):
                c.sendall(b"x" * int(cmd[4:]))
            else:
                c.sendall(("%s %s\n" % (name, peer(a))).encode())

def tcp(s):
    while True:
        c, a = s.accept()
        threading.Thread(target=serve, args=(c, a), daemon=True).start()

def udp(s):
    while True:
        data, a = s.recvfrom(2048)
        s.sendto(("%s %s\n" % (name, peer(a))).encode(), a)

def bind(kind):
    s = socket.socket(socket.AF_INET6, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", port))
    return s

t = bind(socket.SOCK_STREAM)
t.listen(256)
u = bind(socket.SOCK_DGRAM)
threading.Thread(target=udp, args=(u,), daemon=True).start()
print("ready", flush=True)
tcp(t)
