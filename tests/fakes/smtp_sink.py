#!/usr/bin/python3
"""smtp_sink.py: a local SMTP server (aiosmtpd) for vigil's notify tests.

    smtp_sink.py --port-file F --pid-file P --out DIR [--reject]
                 [--auth-log FILE] [--tls-cert PEM --tls-key PEM]

Binds 127.0.0.1 on port 0 and writes the port and its pid to the files.
Every message accepted is written to DIR as N.eml (the message as
received) and N.json ({"mail_from": ..., "rcpt_tos": [...]}), N counting
from 1; the .json is written last, so a reader that sees it sees both.
With --reject, DATA is answered 554 and nothing is written.  No STARTTLS
is offered (vigil uses it when offered, and requires it only for
non-loopback servers).  With --auth-log, AUTH PLAIN/LOGIN is offered
without TLS and every AUTH received is appended to FILE as a JSON line
{"mechanism", "login", "password"} and accepted: a test sees whether a
password was sent in clear ("tls" says whether STARTTLS was in effect).
With --tls-cert and --tls-key, STARTTLS is offered with that certificate.
SIGTERM or SIGINT stops the server.
"""

import argparse
import asyncio
import json
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult


class Sink:
    def __init__(self, out, reject):
        self.out = out
        self.reject = reject
        self.n = 0

    async def handle_DATA(self, server, session, envelope):
        if self.reject:
            return "554 5.7.1 rejected by smtp_sink --reject"
        self.n += 1
        base = os.path.join(self.out, str(self.n))
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        tmp = base + ".json.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({"mail_from": envelope.mail_from,
                       "rcpt_tos": list(envelope.rcpt_tos)}, f)
        os.rename(tmp, base + ".json")
        return "250 OK"


class AuthLog:
    def __init__(self, path):
        self.path = path

    def __call__(self, server, session, envelope, mechanism, auth_data):
        login = getattr(auth_data, "login", b"") or b""
        password = getattr(auth_data, "password", b"") or b""
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps({
                "mechanism": mechanism,
                "login": login.decode("utf-8", "replace"),
                "password": password.decode("utf-8", "replace"),
                "tls": session.ssl is not None}) + "\n")
        return AuthResult(success=True)


def write_file(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write(text)
    os.rename(tmp, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--pid-file", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--reject", action="store_true")
    ap.add_argument("--auth-log")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    opts = ap.parse_args()
    os.makedirs(opts.out, exist_ok=True)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    handler = Sink(opts.out, opts.reject)
    kw = {}
    if opts.auth_log:
        open(opts.auth_log, "a").close()
        kw = {"authenticator": AuthLog(opts.auth_log),
              "auth_require_tls": False}
    if opts.tls_cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(opts.tls_cert, opts.tls_key)
        kw["tls_context"] = ctx
    server = loop.run_until_complete(loop.create_server(
        lambda: SMTP(handler, hostname="smtp-sink.test", **kw),
        host="127.0.0.1", port=0))
    port = server.sockets[0].getsockname()[1]
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, loop.stop)
    write_file(opts.pid_file, "%d\n" % os.getpid())
    write_file(opts.port_file, "%d\n" % port)
    try:
        loop.run_forever()
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
