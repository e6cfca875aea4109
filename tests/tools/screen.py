#!/usr/bin/python3
"""screen.py: replays a terminal transcript (from ptyrun.py) through a
minimal terminal and prints the lines left on the screen, one a line.

usage: screen.py TRANSCRIPT

Understood: "\\r" (column 0), "\\n" (next line), ESC [ K (erase from the
cursor to the end of the line); any other CSI sequence is dropped, and
every other character overwrites the cell under the cursor.  A line that
was glued onto an unerased status line therefore shows up with the status
text in front of it."""
import re
import sys


def screen(data):
    lines, cur, col = [], [], 0
    i, n = 0, len(data)
    while i < n:
        ch = data[i]
        if ch == "\r":
            col = 0
        elif ch == "\n":
            lines.append("".join(cur))
            cur, col = [], 0
        elif ch == "\x1b":
            m = re.match(r"\x1b\[([0-9;?]*)([@-~])", data[i:])
            if m:
                if m.group(2) == "K" and m.group(1) in ("", "0"):
                    del cur[col:]
                i += m.end()
                continue
        else:
            if col < len(cur):
                cur[col] = ch
            else:
                cur.extend(" " * (col - len(cur)))
                cur.append(ch)
            col += 1
        i += 1
    if cur:
        lines.append("".join(cur))
    return lines


if __name__ == "__main__":
    with open(sys.argv[1], "rb") as f:
        text = f.read().decode("utf-8", "replace")
    for line in screen(text):
        print(line)
