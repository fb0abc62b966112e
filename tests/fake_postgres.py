#!/usr/bin/env python3
"""A fake PostgreSQL server, as an attacker on the path would run one: it
refuses TLS, asks for the password in cleartext (or MD5), and keeps whatever
password a client sends.

    fake_postgres.py ADDR PORT METHOD -- COMMAND...

METHOD is cleartext or md5. It listens on ADDR:PORT, runs COMMAND, and when
COMMAND has ended prints one JSON object: the command's code, stdout and
stderr, how many connections came and how many asked for TLS, and every
password received. With ADDR not on this host (a network namespace's
address: see tests/postgres.rs), the client sees a host that is not loopback.
"""

import json
import socket
import struct
import subprocess
import sys
import threading

SSL_REQUEST = 80877103
GSSENC_REQUEST = 80877104


def read_exact(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def startup(conn, seen):
    """Reads startup packets, refusing TLS and GSS encryption, until the real one."""
    while True:
        (length,) = struct.unpack("!I", read_exact(conn, 4))
        body = read_exact(conn, length - 4)
        (code,) = struct.unpack("!I", body[:4])
        if code in (SSL_REQUEST, GSSENC_REQUEST):
            seen["ssl_requests"] += 1
            conn.sendall(b"N")
            continue
        return body


def serve_one(conn, method, seen):
    try:
        startup(conn, seen)
        if method == "md5":
            conn.sendall(b"R" + struct.pack("!II", 12, 5) + b"salt")
        else:
            conn.sendall(b"R" + struct.pack("!II", 8, 3))
        kind = read_exact(conn, 1)
        (length,) = struct.unpack("!I", read_exact(conn, 4))
        body = read_exact(conn, length - 4)
        if kind == b"p":
            seen["passwords"].append(body.rstrip(b"\0").decode("utf-8", "replace"))
        fields = b"SFATAL\0C28P01\0Mpassword authentication failed\0\0"
        conn.sendall(b"E" + struct.pack("!I", 4 + len(fields)) + fields)
    except (EOFError, OSError):
        pass
    finally:
        conn.close()


def main():
    addr, port, method = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    command = sys.argv[sys.argv.index("--") + 1 :]
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((addr, port))
    listener.listen(16)
    seen = {"connections": 0, "ssl_requests": 0, "passwords": []}
    threads = []

    def accept_loop():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            seen["connections"] += 1
            thread = threading.Thread(target=serve_one, args=(conn, method, seen))
            thread.start()
            threads.append(thread)

    threading.Thread(target=accept_loop, daemon=True).start()
    run = subprocess.run(command, capture_output=True, text=True, timeout=60)
    for thread in list(threads):
        thread.join(timeout=5)
    seen.update(code=run.returncode, stdout=run.stdout, stderr=run.stderr)
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
