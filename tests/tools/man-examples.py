#!/usr/bin/python3
"""man-examples.py: the commands of the EXAMPLES section of a man page.

usage: man-examples.py MANPAGE

Prints one line per example command, in order, as "offline<TAB>COMMAND"
or "live<TAB>COMMAND": the lines of the section's literal displays
(.Bd -literal ... .Ed) that start with "$ ", continuation lines ending in
"\\e" (a backslash on the page) joined, the "$ " prompt removed.  A
command whose line ends with the comment "# live" needs live accounts;
the comment is removed.  Exits 1 when the section has no command."""
import re
import sys


def examples(text):
    sec = re.search(r"^\.Sh EXAMPLES\n(.*?)^\.Sh ", text, re.S | re.M)
    if not sec:
        return []
    out, inlit, cur = [], False, None
    for line in sec.group(1).split("\n"):
        if line.startswith(".Bd") and "-literal" in line:
            inlit = True
            continue
        if line.startswith(".Ed"):
            inlit = False
            continue
        if not inlit:
            continue
        line = line.replace("\\e", "\\")
        if cur is None:
            if not line.startswith("$ "):
                continue
            cur = line[2:]
        else:
            cur += " " + line.strip()
        if cur.endswith("\\"):
            cur = cur[:-1].rstrip()
            continue
        kind = "offline"
        m = re.search(r"\s+#\s*live\s*$", cur)
        if m:
            kind, cur = "live", cur[:m.start()]
        out.append((kind, cur.strip()))
        cur = None
    return out


if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        ex = examples(f.read())
    for kind, cmd in ex:
        print("%s\t%s" % (kind, cmd))
    sys.exit(0 if ex else 1)
