#!/usr/bin/python3
"""help-check.py: every option of every command has a one-line help, and
the options of --help match docs/vigil.1.

usage: help-check.py VIGIL MANPAGE

For each command listed by "vigil --help":
  - the options of its usage line (line 1 of "vigil CMD --help"),
  - the options of its "options:" table (one line each: OPT [ARG]  HELP),
  - the options of its synopsis in the man page (the .It Ic CMD line, or
    the .It Xo Ic CMD ... .Xc block)
must be the same set, each taking an argument in all three or in none,
and each help line must say something.  The global options table of
"vigil --help" must match the .It Fl items of the man page's
DESCRIPTION.  Prints "PASS desc" or "FAIL desc" lines; exits 0."""
import re
import subprocess
import sys

OPT = r"--?[a-z][a-z-]*"


def run(*argv):
    return subprocess.run(list(argv), capture_output=True, text=True).stdout


def usage_opts(line):
    """{opt: takes_arg} from a usage line."""
    out = {}
    for m in re.finditer(r"(?:^|(?<=[\s\[|]))(%s)(?= ([^\s\[\]|-][^\s\[\]|]*)|[\s\]|]|$)" % OPT, line):
        out[m.group(1)] = m.group(2) is not None
    return out


def table(text, header):
    """[(opt, takes_arg, help)] of the table after the line header."""
    rows, inside = [], False
    for line in text.split("\n"):
        if line.startswith(header):
            inside = True
            continue
        if inside:
            if not line.strip():
                break
            m = re.match(r"^  +((?:-[a-z], )?(%s)(?: (\S+))?)  +(.*)$" % OPT,
                         line)
            rows.append((m.group(2), m.group(3) is not None,
                         m.group(4).strip()) if m else (None, False, line))
    return rows


def man_synopsis(man, cmd):
    lines = man.split("\n")
    for i, line in enumerate(lines):
        m = re.match(r"^\.It (Xo )?Ic %s( |$)" % re.escape(cmd), line)
        if not m:
            continue
        block = [line]
        if m.group(1):
            for l2 in lines[i + 1:]:
                if l2.startswith(".Xc"):
                    break
                block.append(l2)
        out = {}
        for b in block:
            for fm in re.finditer(r"\bFl (-?[a-z][a-z-]*)(?: (Ar|Cm)\b)?", b):
                out["-" + fm.group(1)] = fm.group(2) is not None
        return out
    return None


def main():
    vigil, manpath = sys.argv[1], sys.argv[2]
    man = open(manpath).read()
    top = run(vigil, "--help")
    cmds = [l.split()[0] for l in
            top.split("commands:\n", 1)[1].split("\n\n", 1)[0].split("\n")
            if l.strip()]
    res = []

    def say(cond, desc):
        res.append(("PASS " if cond else "FAIL ") + desc)

    say(len(cmds) >= 10, "vigil --help lists the commands (%d)" % len(cmds))
    for c in cmds:
        h = run(vigil, c, "--help")
        first = h.split("\n", 1)[0]
        prefix = "usage: vigil [global options] %s" % c
        say(first.startswith(prefix), "%s: usage line" % c)
        u = usage_opts(first[len(prefix):])
        t = table(h, "options:")
        for o, arg, hl in t:
            say(o is not None and len(hl) >= 10 and len(hl) <= 72,
                "%s: help line for %s says what it does in one line (%r)"
                % (c, o, hl))
        hopts = {o: a for o, a, _ in t if o is not None}
        say(len(hopts) == len(t), "%s: no option listed twice" % c)
        for o, a in sorted(u.items()):
            say(o in hopts, "%s: usage option %s has a help line" % (c, o))
            if o in hopts:
                say(hopts[o] == a, "%s %s: %s in usage and help" %
                    (c, o, "argument" if a else "no argument"))
        for o in sorted(set(hopts) - set(u)):
            say(False, "%s: help line for %s, not in the usage" % (c, o))
        m = man_synopsis(man, c)
        say(m is not None, "vigil.1 has a synopsis for %s" % c)
        if m is None:
            continue
        say(set(m) == set(u), "%s: options in vigil.1 %s == usage %s" %
            (c, sorted(m), sorted(u)))
        for o in sorted(set(m) & set(u)):
            say(m[o] == u[o], "%s %s: %s in vigil.1 and usage" %
                (c, o, "argument" if u[o] else "no argument"))
    # Global options: the table of vigil --help, the .It Fl of vigil.1.
    g = {}
    for line in top.split("global options:\n", 1)[1].split("\n\n")[0].split("\n"):
        col = re.match(r"^\s+(.*?\S)\s{2,}\S", line)
        for o in re.findall(r"(?:^|[\s,])(%s)" % OPT,
                            col.group(1) if col else ""):
            g[o] = True
    desc = re.search(r"^\.Sh DESCRIPTION\n(.*?)^\.Sh ", man, re.S | re.M)
    mg = set()
    for line in (desc.group(1) if desc else "").split("\n"):
        if line.startswith(".It Fl"):
            mg |= {"-" + x for x in re.findall(r"Fl (-?[a-z][a-z-]*)", line)}
    say(set(g) == mg and mg, "global options of vigil --help %s == vigil.1 "
        "DESCRIPTION %s" % (sorted(g), sorted(mg)))
    for c in cmds:
        h = run(vigil, c, "--help")
        say("global options" in h and "--policy FILE" in h and "--version"
            not in h, "%s --help lists the global options a command takes"
            % c)
    print("\n".join(res))


if __name__ == "__main__":
    main()
