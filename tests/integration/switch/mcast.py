#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Multicast helpers for the snooping tests (run inside a VM namespace):
#   mcast.py join GROUP IFADDR SECONDS   join GROUP on the interface with
#                                        IFADDR, hold it, leave (socket close)
#   mcast.py send GROUP IFADDR COUNT INTERVAL   UDP datagrams to GROUP:5400
#   mcast.py count IFACE GROUP SECONDS   count frames to GROUP (UDP 5400)
#                                        seen on IFACE; prints the count
#   mcast.py report-flood IFACE COUNT    COUNT IGMPv2 reports for distinct
#                                        groups 239.2.x.y (a hostile VM)
#   mcast.py forged-query IFACE SRC NSRC  an IGMPv3 general query from SRC
#                                        of 12 bytes claiming NSRC sources
import socket
import struct
import sys
import time


def join(group, ifaddr, secs):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    mreq = socket.inet_aton(group) + socket.inet_aton(ifaddr)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    print("joined", flush=True)
    time.sleep(secs)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_DROP_MEMBERSHIP, mreq)
    s.close()


def send(group, ifaddr, count, interval):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                 socket.inet_aton(ifaddr))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
    for i in range(count):
        s.sendto(b"vl2-mcast-%06d" % i, (group, 5400))
        time.sleep(interval)


def count(iface, group, secs):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
    s.bind((iface, 0))
    s.settimeout(0.2)
    g = socket.inet_aton(group)
    n = 0
    end = time.time() + secs
    while time.time() < end:
        try:
            b = s.recv(2048)
        except socket.timeout:
            continue
        if len(b) >= 38 and b[23] == 17 and b[30:34] == g and \
                struct.unpack("!H", b[36:38])[0] == 5400:
            n += 1
    print(n, flush=True)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def report_flood(iface, count):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    src = s.getsockname()[4][:6]
    for i in range(count):
        g = bytes([239, 2, (i >> 8) & 0xff, i & 0xff])
        igmp = bytearray(struct.pack("!BBH4s", 0x16, 0, 0, g))
        igmp[2:4] = struct.pack("!H", csum(bytes(igmp)))
        ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28, 0, 0, 1, 2,
                                   0, bytes([10, 9, 9, 9]), g))
        ip[10:12] = struct.pack("!H", csum(bytes(ip)))
        eth = bytes([1, 0, 0x5e, g[1] & 0x7f, g[2], g[3]]) + src + b"\x08\x00"
        s.send(eth + bytes(ip) + bytes(igmp))
    print(count, flush=True)


def forged_query(iface, src, nsrc):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    mac = s.getsockname()[4][:6]
    dst = bytes([224, 0, 0, 1])
    igmp = bytearray(struct.pack("!BBH4sBBH", 0x11, 20, 0, b"\0" * 4, 2, 4,
                                 nsrc))
    igmp[2:4] = struct.pack("!H", csum(bytes(igmp)))
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x46, 0xc0, 24 + len(igmp), 0,
                               0, 1, 2, 0, socket.inet_aton(src), dst))
    ip += b"\x94\x04\x00\x00"  # Router Alert
    ip[10:12] = struct.pack("!H", csum(bytes(ip)))
    eth = bytes([1, 0, 0x5e, 0, 0, 1]) + mac + b"\x08\x00"
    s.send(eth + bytes(ip) + bytes(igmp))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "join":
        join(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    elif cmd == "send":
        send(sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]))
    elif cmd == "report-flood":
        report_flood(sys.argv[2], int(sys.argv[3]))
    elif cmd == "forged-query":
        forged_query(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif cmd == "count":
        count(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    else:
        sys.exit("unknown command " + cmd)
