"""POSTs one accept form per token, `concurrency` at a time, over real HTTP.

Usage: post_flood.py PORT[,PORT...] TOKENS_FILE CONCURRENCY
With several ports (replicas of serve-accept on one database), the workers
are dealt out among them in turn, and so are the tokens: each replica gets
concurrency / ports of the workers and that share of the tokens, all timed
by one clock.
Prints: accepted=<n> other=<n> seconds=<s> rate=<accepts/s>
        [accepted_per_port=<port>:<n>,...]
"""

import http.client
import sys
import threading
import time
import urllib.parse


def main():
    ports = [int(p) for p in sys.argv[1].split(",")]
    tokens_file, concurrency = sys.argv[2], int(sys.argv[3])
    tokens = [line.strip() for line in open(tokens_file) if line.strip()]
    lock = threading.Lock()
    counts = {"accepted": 0, "other": 0}
    per_port = {port: 0 for port in ports}
    start_gate = threading.Barrier(concurrency)

    def worker(port, mine):
        start_gate.wait()
        for token in mine:
            body = urllib.parse.urlencode({
                "token": token, "first_name": "Load", "last_name": "Test",
                "password": "correct horse battery", "confirm_password": "correct horse battery",
            })
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            connection.request("POST", "/accept", body, {"Content-Type": "application/x-www-form-urlencoded"})
            status = connection.getresponse().status
            connection.close()
            with lock:
                counts["accepted" if status == 303 else "other"] += 1
                per_port[port] += status == 303

    threads = [threading.Thread(target=worker, args=(ports[i % len(ports)], tokens[i::concurrency])) for i in range(concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - started
    print(f"accepted={counts['accepted']} other={counts['other']} seconds={seconds:.2f} "
          f"rate={counts['accepted'] / seconds:.1f}"
          + (" accepted_per_port=" + ",".join(f"{p}:{n}" for p, n in per_port.items()) if len(ports) > 1 else ""))


if __name__ == "__main__":
    main()
