#!/usr/bin/env bash
# `invitectl invite --from-file` of 10,000 addresses to a local SMTP server
# (postfix's smtp-sink), beside postfix's bare client smtp-source sending
# 10,000 messages of the same size over one connection to the same server.
# Usage: bench/smtp.sh [COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-10000}

if ! command -v smtp-sink > /dev/null && [ ! -x /usr/sbin/smtp-sink ]; then
  echo "bench: installing postfix for smtp-sink and smtp-source" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postfix > /dev/null
fi
export PATH="$PATH:/usr/sbin"

cargo build --release --quiet
bin=$PWD/target/release/invitectl
work=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
smtp-sink -u nobody "127.0.0.1:$port" 1000 &
sink=$!
trap 'kill $sink 2> /dev/null; rm -rf "$work"' EXIT
sleep 0.5
cd "$work"

# The size of a real invitation, for the bare client.
mkdir sample && (cd sample && "$bin" -q invite sample@acme.example --role viewer > /dev/null)
size=$(wc -c < "$(ls sample/outbox/*.eml | head -1)")

python3 -c "
print('email,role,department,teams')
for i in range($count):
    print(f'user{i}@acme.example,viewer,,')
" > hires.csv
cat > invitectl.toml <<TOML
[organization]
name = "Acme Corp"
[mail]
from = "Acme IT <it@acme.example>"
[smtp]
host = "127.0.0.1"
port = $port
security = "none"
TOML

start=$(date +%s%N)
"$bin" -q invite --from-file hires.csv --format json > invited.json
ours_ms=$(( ($(date +%s%N) - start) / 1000000 ))
sent=$(python3 -c "import json; print(sum(1 for r in json.load(open('invited.json')) if r['delivery'] == 'sent'))")

start=$(date +%s%N)
smtp-source -d -s 1 -m "$count" -l "$size" -f it@acme.example -t user@acme.example "127.0.0.1:$port"
bare_ms=$(( ($(date +%s%N) - start) / 1000000 ))

echo "messages:                          $count of $size bytes ($sent delivered by invitectl)"
echo "invitectl invite --from-file:      ${ours_ms} ms ($(python3 -c "print(f'{$ours_ms / $count:.3f}')") ms/message, database writes included)"
echo "smtp-source, one connection:       ${bare_ms} ms ($(python3 -c "print(f'{$bare_ms / $count:.3f}')") ms/message)"
echo "ratio invitectl / bare client:     $(python3 -c "print(f'{$ours_ms / max($bare_ms, 1):.2f}x')") (goal: at most 1.25x)"
cd - > /dev/null
cargo bench --quiet --bench lettre_nagle -- "$port" 200
