# Watches the client namespace's interface for a balancer taking VIPs:
#   announcements.py VIP4 VIP6
# prints "arp MAC" for a gratuitous ARP for VIP4 and "na MAC" for an unsolicited neighbour
# advertisement of VIP6 (MAC: the announced link-layer address), then exits; gives up after 30 s.
import socket, sys, time

vip4 = socket.inet_aton(sys.argv[1])
vip6 = socket.inet_pton(socket.AF_INET6, sys.argv[2])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind(("eth0", 0))
s.settimeout(1)
print("listening", flush=True)
seen = set()
end = time.time() + 30
while time.time() < end and len(seen) < 2:
    try:
        d = s.recv(2048)
    except socket.timeout:
        continue
    if d[12:14] == b"\x08\x06" and len(d) >= 42 and d[20:22] == b"\x00\x01" and d[28:32] == vip4 and d[38:42] == vip4:
        if "arp" not in seen:
            print("arp " + d[22:28].hex(":"), flush=True)
        seen.add("arp")
    elif d[12:14] == b"\x86\xdd" and len(d) >= 86 and d[20] == 58 and d[54] == 136 and d[62:78] == vip6 \
            and d[38:54] == socket.inet_pton(socket.AF_INET6, "ff02::1"):
        if "na" not in seen:
            print("na " + d[80:86].hex(":"), flush=True)
        seen.add("na")
