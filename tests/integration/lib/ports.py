#!/usr/bin/env python3
"""slurm-carbon integration suites: the first of N consecutive free loopback ports, so that
concurrent runs of the suites (or a site's own Slurm) never meet.

    ports.py FIRST LAST [N]   prints a base port in [FIRST, LAST) whose N ports (default 4)
                              are free, or FIRST when none is.
SPDX-License-Identifier: GPL-2.0-or-later
"""
import socket
import sys


def free_ports(first, last, count=4):
    """The first base in [first, last), in steps of 10, whose count ports can all be bound."""
    for base in range(first, last, 10):
        ok = True
        for port in range(base, base + count):
            s = socket.socket()
            try:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 0)
                s.bind(("127.0.0.1", port))
            except OSError:
                ok = False
            finally:
                s.close()
            if not ok:
                break
        if ok:
            return base
    return first


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.stderr.write("usage: ports.py FIRST LAST [N]\n")
        sys.exit(2)
    print(free_ports(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) == 4 else 4))
