"""A real SMTP server (aiosmtpd) for the tests, on 127.0.0.1 and a free port.

It prints "PORT <n>" once it listens, stores every accepted message as
<maildir>/<n>.eml, and can be told to require STARTTLS or implicit TLS, to
require AUTH with one user, to answer chosen recipients with a 4xx or 5xx,
to drop the connection when a chosen recipient's message arrives, or to
announce PIPELINING (it answers pipelined commands in order), or to behave
like a hostile server that echoes the credentials of a failed AUTH back.
Replies given with --reply may hold escapes such as \\n and \\x1b.
"""

import argparse
import asyncio
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Handler:
    def __init__(self, args):
        self.maildir = args.maildir
        self.replies = {
            address: reply.encode().decode("unicode_escape")
            for address, reply in (item.split("=", 1) for item in args.reply)
        }
        self.drop = set(args.drop)
        self.pipelining = args.pipelining
        self.count = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # aiosmtpd answers commands strictly in order, so it can say so.
        session.host_name = hostname
        if self.pipelining:
            responses.insert(1, "250-PIPELINING")
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.replies.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.drop.intersection(a.lower() for a in envelope.rcpt_tos):
            server.transport.close()
            return "421 closing"
        self.count += 1
        if self.maildir:
            path = os.path.join(self.maildir, f"{self.count:06d}.eml")
            with open(path + ".tmp", "wb") as f:
                f.write(envelope.original_content)
            os.rename(path + ".tmp", path)
        return f"250 2.0.0 Ok: queued as Q{self.count}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--maildir")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--user", help="user:password; AUTH is then required")
    parser.add_argument("--reply", action="append", default=[], help="address=reply for RCPT")
    parser.add_argument("--pipelining", action="store_true", help="announce PIPELINING")
    parser.add_argument("--drop", action="append", default=[], help="address whose DATA drops the connection")
    parser.add_argument("--echo-auth", action="store_true", help="refuse AUTH, quoting the credentials")
    args = parser.parse_args()

    context = None
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)

    handler = Handler(args)
    options = {"hostname": "smtp.test", "enable_SMTPUTF8": True}
    if args.user:
        user, password = args.user.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user \
                and auth_data.password.decode() == password
            if args.echo_auth:
                secret = f"{auth_data.login.decode()}:{auth_data.password.decode()}"
                return AuthResult(success=False, handled=False,
                                  message=f"535 5.7.8 refused {mechanism} {secret}\r\n535 more")
            return AuthResult(success=ok, handled=False)

        options.update(authenticator=authenticator, auth_required=True, auth_require_tls=False)
    if context and not args.implicit_tls:
        options.update(tls_context=context, require_starttls=True)

    async def serve():
        server = await asyncio.get_running_loop().create_server(
            lambda: SMTP(handler, **options),
            host="127.0.0.1",
            port=0,
            ssl=context if args.implicit_tls else None,
        )
        print("PORT", server.sockets[0].getsockname()[1], flush=True)
        await server.serve_forever()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
