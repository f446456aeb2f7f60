#!/bin/sh
# Builds (up) or removes (down) the packet-mode test topology, entirely inside network
# namespaces this script creates: the root namespace and its interfaces are never touched.
#
#   topology.sh up [PREFIX]      topology.sh down [PREFIX]      (PREFIX defaults to "fulcrum")
#
# Namespaces: PREFIX-hub (the bridge), PREFIX-client, PREFIX-bal1, PREFIX-bal2, PREFIX-srv1..3.
# Each node has one veth "eth0" into the bridge "br0" of PREFIX-hub.
#
#   client  10.99.0.10/24 fd99::10/64   and, for DNAT, 10.99.1.10/24 fd99:1::10/64
#   bal1    10.99.0.2/24  fd99::2/64    (no forwarding: Fulcrum's packet path moves the frames)
#   bal2    10.99.0.3/24  fd99::3/64
#   srvN    10.99.0.2N/24 fd99::2N/64   with the DSR VIPs 10.99.0.100/32 and fd99::100/128 on lo
#           (arp_ignore=1, arp_announce=2: they never answer ARP for the VIP), and the DNAT
#           client networks 10.99.1.0/24 and fd99:1::/64 routed via bal1 (the servers' gateway).
#
# The client and the servers send no GSO super-frames (gso_max_segs 1): between namespaces a
# sender's 64 kB TCP segments would reach the balancer's packet socket whole, where a real NIC
# delivers wire-sized frames. The packet path forwards frames; it does not segment them.
#
# DSR VIPs: 10.99.0.100, fd99::100.  DNAT VIPs: 10.99.1.100, fd99:1::100.  Neither is on a
# balancer's interface: the balancer's ARP/NDP responder answers for them.
set -eu

action=${1:-}
p=${2:-fulcrum}
nodes="client bal1 bal2 srv1 srv2 srv3"

down() {
    for n in $nodes hub; do
        ip netns del "$p-$n" 2>/dev/null || true
    done
}

up() {
    if ip netns list | grep -q "^$p-hub\b"; then
        echo "topology $p exists already (run: $0 down $p)" >&2
        exit 1
    fi
    ip netns add "$p-hub"
    ip -n "$p-hub" link set lo up
    ip -n "$p-hub" link add br0 type bridge
    # Without a querier, snooping would keep NDP's solicited-node multicast from the balancers.
    ip -n "$p-hub" link set br0 type bridge mcast_snooping 0
    ip -n "$p-hub" link set br0 up
    for n in $nodes; do
        ip netns add "$p-$n"
        ip -n "$p-hub" link add "h-$n" type veth peer name eth0 netns "$p-$n"
        ip -n "$p-hub" link set "h-$n" master br0 up
        ip -n "$p-$n" link set lo up
        ip netns exec "$p-$n" sysctl -qw net.ipv6.conf.eth0.accept_dad=0 net.ipv6.conf.eth0.accept_ra=0
        ip -n "$p-$n" link set eth0 up
    done
    for n in client srv1 srv2 srv3; do
        ip -n "$p-$n" link set eth0 gso_max_segs 1
    done
    ip -n "$p-client" addr add 10.99.0.10/24 dev eth0
    ip -n "$p-client" addr add 10.99.1.10/24 dev eth0
    ip -n "$p-client" addr add fd99::10/64 dev eth0 nodad
    ip -n "$p-client" addr add fd99:1::10/64 dev eth0 nodad
    i=2
    for n in bal1 bal2; do
        ip -n "$p-$n" addr add "10.99.0.$i/24" dev eth0
        ip -n "$p-$n" addr add "fd99::$i/64" dev eth0 nodad
        ip netns exec "$p-$n" sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
        i=$((i + 1))
    done
    for i in 1 2 3; do
        n="srv$i"
        ip -n "$p-$n" addr add "10.99.0.2$i/24" dev eth0
        ip -n "$p-$n" addr add "fd99::2$i/64" dev eth0 nodad
        ip -n "$p-$n" addr add 10.99.0.100/32 dev lo
        ip -n "$p-$n" addr add fd99::100/128 dev lo
        ip netns exec "$p-$n" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
            net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2 \
            net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0
        ip -n "$p-$n" route add 10.99.1.0/24 via 10.99.0.2
        ip -n "$p-$n" -6 route add fd99:1::/64 via fd99::2
    done
}

case "$action" in
    up) up ;;
    down) down ;;
    *) echo "usage: $0 up|down [PREFIX]" >&2; exit 2 ;;
esac
