#!/usr/bin/env bash
# serve-accept under load, on loopback: GET /accept with wrk; POST /accept
# accepts/s beside raw argon2id hashes/s; GET p99 while POSTs flood; peak
# memory with 500 concurrent POSTs.
# Usage: bench/web.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}

if ! command -v wrk > /dev/null; then
  echo "bench: installing wrk" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk > /dev/null
fi

cargo build --release --quiet
cargo bench --no-run --quiet --bench argon2_rate 2> /dev/null
repo=$PWD
bin=$PWD/target/release/invitectl
flood=$PWD/bench/post_flood.py
work=$(mktemp -d)
cd "$work"
"$bin" -q serve-accept --bind 127.0.0.1:0 2> server.err &
server=$!
trap 'kill $server 2> /dev/null; rm -rf "$work"' EXIT
until grep -q listening server.err; do sleep 0.1; done
port=$(sed -n 's/.*127.0.0.1:\([0-9]*\).*/\1/p' server.err | head -1)

# Tokens: one to GET, and fresh ones for each POST run.
tokens() {
  python3 -c "for i in range($1): print(f'$2{i}@acme.example')" > "$2.txt"
  "$bin" -q invite - --role viewer --print-link --format csv < "$2.txt" | tail -n +2 | sed 's/.*token=//' > "$2.tokens"
}
tokens 1 get
get_url="http://127.0.0.1:$port/accept?token=$(cat get.tokens)"

echo "== GET /accept, wrk 2 threads, 32 connections, ${seconds}s"
wrk -t2 -c32 -d"${seconds}s" --latency "$get_url" | grep -E "Requests/sec|^ +99%|^ +50%"

echo "== POST /accept: 200 accepts, 8 at a time"
tokens 200 post
python3 "$flood" "$port" post.tokens 8
(cd "$repo" && cargo bench --quiet --bench argon2_rate)

echo "== GET /accept while 400 POSTs flood (16 at a time)"
tokens 400 flood
python3 "$flood" "$port" flood.tokens 16 > flood.out &
flooding=$!
sleep 1
wrk -t1 -c8 -d5s --latency "$get_url" | grep -E "Requests/sec|^ +99%|^ +50%"
wait $flooding
cat flood.out

echo "== 500 concurrent POSTs"
tokens 500 burst
python3 "$flood" "$port" burst.tokens 500
echo "serve-accept peak memory (VmHWM): $(grep VmHWM /proc/$server/status | awk '{print $2, $3}')"
