"""POSTs one accept form per token, one after another, while something else
runs, and reports the latency a person clicking "Accept" would see.

Usage: accept_latency.py PORT TOKENS_FILE
Prints: accepted=<n> other=<n> p50_ms=<ms> p99_ms=<ms> max_ms=<ms>
"""

import http.client
import sys
import time
import urllib.parse


def main():
    port, tokens_file = int(sys.argv[1]), sys.argv[2]
    tokens = [line.strip() for line in open(tokens_file) if line.strip()]
    latencies, accepted, other = [], 0, 0
    for token in tokens:
        body = urllib.parse.urlencode({
            "token": token, "first_name": "Load", "last_name": "Test",
            "password": "correct horse battery", "confirm_password": "correct horse battery",
        })
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.request("POST", "/accept", body, {"Content-Type": "application/x-www-form-urlencoded"})
        status = connection.getresponse().status
        connection.close()
        latencies.append((time.monotonic() - started) * 1000)
        if status == 303:
            accepted += 1
        else:
            other += 1
        time.sleep(0.05)
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
    print(f"accepted={accepted} other={other} p50_ms={pick(0.5):.0f} p99_ms={pick(0.99):.0f} "
          f"max_ms={latencies[-1]:.0f}")


if __name__ == "__main__":
    main()
