"""POSTs one accept form per token, `concurrency` at a time, over real HTTP.

Usage: post_flood.py PORT TOKENS_FILE CONCURRENCY
Prints: accepted=<n> other=<n> seconds=<s> rate=<accepts/s>
"""

import http.client
import sys
import threading
import time
import urllib.parse


def main():
    port, tokens_file, concurrency = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    tokens = [line.strip() for line in open(tokens_file) if line.strip()]
    lock = threading.Lock()
    counts = {"accepted": 0, "other": 0}
    start_gate = threading.Barrier(concurrency)

    def worker(mine):
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

    threads = [threading.Thread(target=worker, args=(tokens[i::concurrency],)) for i in range(concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - started
    print(f"accepted={counts['accepted']} other={counts['other']} seconds={seconds:.2f} "
          f"rate={counts['accepted'] / seconds:.1f}")


if __name__ == "__main__":
    main()
