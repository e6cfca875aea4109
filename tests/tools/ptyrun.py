#!/usr/bin/python3
"""ptyrun.py: runs a command in a real pseudo-terminal (stdin, stdout and
stderr all the pty, COLUMNS x 40) and writes everything the terminal
received, byte for byte, to OUT; exits with the command's exit status.

usage: ptyrun.py OUT COLUMNS COMMAND [ARGS...]

screen.py then replays that transcript through a minimal terminal
(carriage return, newline, erase-to-end-of-line) to see the lines a
person would have seen."""
import fcntl
import os
import pty
import struct
import sys
import termios


def main():
    out, cols, argv = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, cols,
                                                       0, 0))
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    data = bytearray()
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:		# EIO: the child closed the terminal
            break
        if not chunk:
            break
        data += chunk
    _, status = os.waitpid(pid, 0)
    with open(out, "wb") as f:
        f.write(data)
    sys.exit(os.waitstatus_to_exitcode(status) & 0xff)


if __name__ == "__main__":
    main()
