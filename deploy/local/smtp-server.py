#!/usr/bin/env python3
"""The local SMTP server (aiosmtpd): STARTTLS required, then AUTH PLAIN or LOGIN, as an LA's relay would.

Every message it accepts is written, as received, to <mailbox>/<n>-<time>.eml (written to a temporary
name and renamed, so a reader never sees half a message), before the server answers 250. A test can hold
that answer: a file <mailbox>/../smtp-delay holding a number of seconds makes the server wait that long
after writing the message (a relay that took the message and has not yet replied).

Usage: smtp-server.py --port 18025 --mailbox DIR --cert PEM --key PEM --user U --password P
"""
import argparse
import asyncio
import itertools
import os
import ssl
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Mailbox:
    def __init__(self, folder):
        self.folder = folder
        os.makedirs(folder, exist_ok=True)
        existing = [int(name.split("-")[0]) for name in os.listdir(folder) if name.endswith(".eml") and name.split("-")[0].isdigit()]
        self.counter = itertools.count(max(existing, default=0) + 1)
        self.delay_file = os.path.join(os.path.dirname(os.path.abspath(folder)), "smtp-delay")

    async def handle_DATA(self, server, session, envelope):
        number = next(self.counter)
        name = os.path.join(self.folder, f"{number:06d}-{int(time.time())}.eml")
        header = f"X-Envelope-From: {envelope.mail_from}\r\nX-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n".encode()
        with open(name + ".tmp", "wb") as f:
            f.write(header + envelope.original_content)
            f.flush()
            os.fsync(f.fileno())
        os.rename(name + ".tmp", name)
        try:
            with open(self.delay_file) as f:
                await asyncio.sleep(float(f.read().strip() or 0))
        except FileNotFoundError:
            pass
        return "250 2.0.0 Message accepted for delivery"


class Authenticator:
    def __init__(self, user, password):
        self.user, self.password = user.encode(), password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword) and auth_data.login == self.user and auth_data.password == self.password:
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--mailbox", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    args = parser.parse_args()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    controller = Controller(Mailbox(args.mailbox), hostname="127.0.0.1", port=args.port, tls_context=context,
                            require_starttls=True, auth_required=True, auth_require_tls=True,
                            authenticator=Authenticator(args.user, args.password), server_hostname="localhost")
    controller.start()
    print(f"smtp server on 127.0.0.1:{args.port}, mailbox {args.mailbox}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
