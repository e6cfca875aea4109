#!/usr/bin/python3
"""lame.py: a lame nameserver for dns.sh's lame-delegation cases.

    lame.py --port-file F --pid-file P --addr 127.0.0.2 --port N
            [--mode refused|noaa]

Binds UDP on ADDR:PORT (dns.sh uses Knot's port on another loopback
address, since vigil asks every delegated nameserver at one port) and
answers every query with the question echoed and no records: RCODE
REFUSED (--mode refused), or NOERROR without the AA bit (--mode noaa,
a server that is not authoritative for the zone).  Writes the port and
its pid, then serves until it is killed (lib.sh stop_fake).
"""
import argparse
import os
import socket
import struct


def answer(q, mode):
    if len(q) < 12:
        return None
    qid, flags, qd = struct.unpack("!HHH", q[:6])
    rd = flags & 0x0100
    rcode = 5 if mode == "refused" else 0
    # QR, opcode QUERY, AA clear, RD copied, RA clear.
    hdr = struct.pack("!HHHHHH", qid, 0x8000 | rd | rcode, qd, 0, 0, 0)
    # The question section as asked (the first QDCOUNT questions).
    i, n = 12, 0
    while n < qd and i < len(q):
        while i < len(q) and q[i] != 0:
            i += q[i] + 1
        i += 5
        n += 1
    return hdr + q[12:i]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--pid-file", required=True)
    ap.add_argument("--addr", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--mode", choices=("refused", "noaa"), default="refused")
    a = ap.parse_args()
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind((a.addr, a.port))
    for path, val in ((a.pid_file, os.getpid()), (a.port_file, a.port)):
        with open(path + ".tmp", "w") as f:
            f.write("%d\n" % val)
        os.rename(path + ".tmp", path)
    while True:
        q, peer = udp.recvfrom(65535)
        r = answer(q, a.mode)
        if r is not None:
            udp.sendto(r, peer)


if __name__ == "__main__":
    main()
