"""A receiving SMTP server for Styrke's tests (Debian's python3-aiosmtpd).

Accepts mail on --host:--port with STARTTLS (required), implicit TLS or no
TLS, optionally requiring AUTH with --user and --password (read from the
environment variable SMTPTEST_PASSWORD, never argv), and writes every
message to the Maildir --maildir. Prints READY once it accepts connections
and runs until SIGTERM. With --reject-domain D it refuses every recipient at
D as a mail server refuses an unknown mailbox (550 5.1.1). With
--data-reply-delay S it delivers each message at the end of DATA and answers
250 only S seconds later, as a slow mail server (a content scan) does; with --slow-after-data S it
answers NOOP, RSET and QUIT S seconds late once it has taken a message.
With --mailbox-per-login it also takes the logins --user+N (N digits) with
the same password and delivers what each login sends to the Maildir
--maildir/LOGIN, so that one server serves many tests each with a mailbox
of its own. With --exit-on-eof it also stops when its standard input ends
(the test binary that started it exited, however it ended).
"""
import argparse
import asyncio
import mailbox
import os
import re
import signal
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--maildir", required=True)
    p.add_argument("--mode", choices=["starttls", "implicit", "plain"], default="starttls")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--user")
    p.add_argument("--reject-domain")
    p.add_argument("--data-reply-delay", type=float, default=0)
    p.add_argument("--slow-after-data", type=float, default=0)
    p.add_argument("--mailbox-per-login", action="store_true")
    p.add_argument("--exit-on-eof", action="store_true")
    args = p.parse_args()
    password = os.environ.get("SMTPTEST_PASSWORD", "")

    def login_ok(login):
        if login == args.user:
            return True
        return args.mailbox_per_login and re.fullmatch(re.escape(args.user) + r"\+[0-9]+", login) is not None

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and login_ok(auth_data.login.decode())
              and auth_data.password.decode() == password)
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    kw = {}
    if args.user:
        kw.update(authenticator=authenticator, auth_required=True,
                  auth_require_tls=(args.mode == "starttls"))
    ctx = None
    if args.mode != "plain":
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(args.cert, args.key)
    if args.mode == "starttls":
        kw.update(tls_context=ctx, require_starttls=True)
    class Handler(Mailbox):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if args.reject_domain and address.lower().endswith("@" + args.reject_domain.lower()):
                return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            # Delivered first: a client that gave up waiting for the reply
            # closes the connection, which cancels this handler.
            if args.mailbox_per_login:
                login = session.auth_data.login.decode()
                mailbox.Maildir(os.path.join(args.maildir, login)).add(self.prepare_message(session, envelope))
                status = "250 OK"
            else:
                status = await super().handle_DATA(server, session, envelope)
            if args.data_reply_delay:
                await asyncio.sleep(args.data_reply_delay)
            session.took_message = True
            return status

        async def slow(self, session):
            if args.slow_after_data and getattr(session, "took_message", False):
                await asyncio.sleep(args.slow_after_data)

        async def handle_NOOP(self, server, session, envelope, arg):
            await self.slow(session)
            return "250 OK"

        async def handle_RSET(self, server, session, envelope):
            await self.slow(session)
            return "250 OK"

        async def handle_QUIT(self, server, session, envelope):
            await self.slow(session)
            return "221 Bye"

    controller = Controller(Handler(args.maildir), hostname=args.host, port=args.port,
                            ssl_context=ctx if args.mode == "implicit" else None,
                            server_hostname="localhost", ready_timeout=10, **kw)
    controller.start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    if args.exit_on_eof:
        def watch():
            sys.stdin.buffer.read()
            done.set()
        threading.Thread(target=watch, daemon=True).start()
    print("READY", flush=True)
    done.wait()
    controller.stop()


if __name__ == "__main__":
    sys.exit(main())
