#!/usr/bin/python3
"""blackhole.py: a nameserver that never answers (dns.sh's timeout case).

    blackhole.py --port-file F --pid-file P

Binds UDP and TCP on 127.0.0.1, port 0, writes the port and its pid, then
reads queries and drops them until it is killed (lib.sh stop_fake).
"""
import argparse
import os
import socket
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--pid-file", required=True)
    a = ap.parse_args()
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    port = udp.getsockname()[1]
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind(("127.0.0.1", port))
    tcp.listen(16)  # accepted by the kernel, never answered
    with open(a.pid_file + ".tmp", "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(a.pid_file + ".tmp", a.pid_file)
    with open(a.port_file + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(a.port_file + ".tmp", a.port_file)
    udp.settimeout(1)
    deadline = time.time() + 300
    while time.time() < deadline:
        try:
            udp.recvfrom(65535)
        except socket.timeout:
            pass


if __name__ == "__main__":
    main()
