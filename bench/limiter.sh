#!/usr/bin/env bash
# The failed-attempt limiter under a spray of distinct addresses, on loopback:
# 200,000 bad tokens, each from its own X-Forwarded-For address, at 500 a
# second (400 s; a higher RATE mostly measures the sprayer's own CPU on a
# 2-core machine, which the control spray shows). Prints serve-accept's RSS
# before and after, and GET /accept throughput (a valid token, wrk)
# undisturbed, early in the spray and late in it (the table then holds most
# of the addresses), as ratios.
# Target: RSS flat, throughput during >= 0.8x undisturbed. On a small machine
# the sprayer itself takes CPU from the server, so the same spray at /healthz
# (the same client cost, no limiter) is measured too: the limiter's own cost
# is the bad-token figure beside that one.
# Usage: bench/limiter.sh [ADDRESSES] [RATE] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
addresses=${1:-200000}
rate=${2:-500}
seconds=${3:-10}

if ! command -v wrk > /dev/null; then
  echo "bench: installing wrk" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk > /dev/null
fi

source bench/lib.sh
cargo build --release --quiet
bin=$PWD/target/release/invitectl
spray=$PWD/bench/spray.py
work=$(mktemp -d)
cd "$work"
server=""
trap '[ -n "$server" ] && kill $server 2> /dev/null; wait 2> /dev/null; rm -rf "$work"' EXIT

token=$("$bin" -q invite ann@acme.example --role viewer --print-link --format csv | tail -n +2 | sed 's/.*token=//')
"$bin" -q serve-accept --bind 127.0.0.1:0 2> server.err &
server=$!
until grep -q listening server.err; do sleep 0.1; done
port=$(sed -n 's/.*127.0.0.1:\([0-9]*\).*/\1/p' server.err | head -1)
url="http://127.0.0.1:$port/accept?token=$token"
status=$(curl -s -o /dev/null -w '%{http_code}' "$url")
[ "$status" = 200 ] || { echo "bench: GET /accept answered $status" >&2; exit 1; }

rss() { awk '/VmRSS/ {print $2}' "/proc/$server/status"; }
throughput() { timeout $((seconds + 30)) wrk -t1 -c8 -d"${seconds}s" "$url" | awk '/Requests\/sec/ {print $2}'; }

# Warm up both kinds of request (caches, threads), the spray with addresses
# of its own, so that "before" is a server that has seen both.
throughput > /dev/null
timeout 120 python3 "$spray" "$port" 5000 100000 16 $((1 << 22)) > /dev/null
rss_before=$(rss)
bench_loads+=("$(load1)")
undisturbed=$(throughput)
control_count=$(( rate * (seconds + 8) ))
timeout 600 python3 "$spray" "$port" "$control_count" "$rate" 16 0 /healthz > control.out &
controlling=$!
sleep 2
control=$(throughput)
wait $controlling

timeout 600 python3 "$spray" "$port" "$addresses" "$rate" 16 > spray.out &
spraying=$!
sleep 2
early=$(throughput)
sleep $(( addresses / rate - 2 * seconds - 6 > 0 ? addresses / rate - 2 * seconds - 6 : 0 ))
late=$(throughput)
wait $spraying
cat spray.out
rss_after=$(rss)
rows=$(sqlite3 invitectl.db "SELECT count(*) FROM rate_limits")

echo "RSS of serve-accept: ${rss_before} kB before, ${rss_after} kB after ($(awk -v a="$rss_after" -v b="$rss_before" 'BEGIN {printf "%+.1f%%", (a - b) * 100 / b}'))"
echo "rate_limits rows after the spray: $rows (rows older than 10 minutes are deleted as new ones come)"
ratio() { awk -v a="$1" -v b="$undisturbed" 'BEGIN {printf "%.2f", a / b}'; }
echo "GET /accept: ${undisturbed}/s undisturbed; during the spray ${early}/s early ($(ratio "$early")x), ${late}/s late ($(ratio "$late")x)"
echo "GET /accept during the same spray at /healthz (no limiter): ${control}/s ($(ratio "$control")x)"
echo "the limiter's own cost: late in the bad-token spray $(awk -v a="$late" -v b="$control" 'BEGIN {printf "%.2f", a / b}')x of the control spray (goal: at least 0.8x)"
figure "GET /accept during a token spray" "${late}/s late in the spray" "${control}/s same spray at /healthz" \
  "$(awk -v a="$late" -v b="$control" 'BEGIN {printf "%.2f", a / b}')" GE 0.8
