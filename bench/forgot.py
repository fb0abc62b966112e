#!/usr/bin/env python3
"""POST /forgot at serve-accept on 127.0.0.1, for addresses that are active
users' and for addresses nobody has, alternately, one request at a time, each
on a new connection and from its own forwarded address (10.x.y.z), so that
no rate limit is reached. Times each answer from connecting to its last byte,
checks that both kinds get the same page, and prints the figures. Unknown
addresses are asked for as often as known ones (each twice), so that both
meet their rate-limit counters in the same states.

Usage: forgot.py PORT KNOWN_FILE ROUNDS
(KNOWN_FILE: active users' addresses, one a line; each is asked for at most
twice, so ROUNDS is at most twice their number.)
"""
import socket
import statistics
import sys
import time


def post(port, email, client):
    body = f"email={email.replace('@', '%40')}".encode()
    request = (
        f"POST /forgot HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\n"
        f"X-Forwarded-For: {client}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    started = time.perf_counter()
    elapsed = None
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(request)
        received = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
            head, _, body = received.partition(b"\r\n\r\n")
            length = next(
                (int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                 if line.lower().startswith(b"content-length:")),
                None,
            )
            # The answer is there once its last byte is; closing comes after.
            if elapsed is None and length is not None and len(body) >= length:
                elapsed = time.perf_counter() - started
    answer = received.decode()
    status = answer.split(" ", 2)[1]
    page = answer.split("\r\n\r\n", 1)[1].replace(email, "ADDRESS")
    return elapsed, status, page


def summary(name, times):
    ms = sorted(t * 1000 for t in times)
    p90 = ms[int(len(ms) * 0.9)]
    print(
        f"{name}: {len(ms)} answers, median {statistics.median(ms):.3f} ms, "
        f"mean {statistics.mean(ms):.3f} ms, p90 {p90:.3f} ms"
    )
    return statistics.median(ms), statistics.mean(ms)


def main():
    port, known_file, rounds = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    known = [line.strip() for line in open(known_file) if line.strip()]
    if rounds > 2 * len(known):
        sys.exit(f"forgot.py: {rounds} rounds need {rounds // 2 + 1} known addresses")
    times = {"known": [], "unknown": []}
    pages = set()
    for i in range(rounds):
        pairs = [
            ("known", known[i % len(known)]),
            ("unknown", f"nobody{i % len(known)}@acme.example"),
        ]
        # Which goes first alternates, so neither always follows the other's mail work.
        if i % 2:
            pairs.reverse()
        for n, (kind, email) in enumerate(pairs):
            client = f"10.{i >> 8 & 255}.{i & 255}.{n + 1}"
            elapsed, status, page = post(port, email, client)
            if status != "200":
                sys.exit(f"forgot.py: {kind} {email} answered {status}")
            times[kind].append(elapsed)
            pages.add(page)
    if len(pages) != 1:
        sys.exit(f"forgot.py: {len(pages)} different pages for known and unknown addresses")
    known_median, known_mean = summary("POST /forgot, an active user's address", times["known"])
    unknown_median, unknown_mean = summary("POST /forgot, an unknown address     ", times["unknown"])
    print("the same page for both: yes")
    print(
        f"ratio known/unknown: median {known_median / unknown_median:.3f}, "
        f"mean {known_mean / unknown_mean:.3f} (goal: 1.0 within noise)"
    )


main()
