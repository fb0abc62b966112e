#!/usr/bin/env bash
# POST /forgot answers in the same time whether or not the address is an
# active user's: the link is issued and mailed after the answer, by
# serve-accept's mail thread, which is handed the request only once the
# answer has been written. On loopback, ROUNDS requests for active users
# and ROUNDS for unknown addresses, alternately, one at a time (bench/forgot.py),
# each from its own forwarded address so that no rate limit is reached.
# Prints the median, mean and p90 of each and the ratio known/unknown, then
# how many reset mails went out (one per request for an active user).
# WITH_SMTP=1 sends the mail to a real SMTP server (tests/smtp_server.py,
# aiosmtpd) instead of outbox/: slower mail, the same answers.
# Usage: bench/forgot.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-300}
users=$(( (rounds + 1) / 2 ))

source bench/lib.sh
cargo build --release --quiet
repo=$PWD
bin=$PWD/target/release/invitectl
work=$(mktemp -d)
cd "$work"
server=""
smtp=""
trap '[ -n "$server" ] && kill $server 2> /dev/null; [ -n "$smtp" ] && kill $smtp 2> /dev/null; wait 2> /dev/null; rm -rf "$work"' EXIT

echo "bench: $users active users (invite, then accept each)" >&2
python3 -c "for i in range($users): print(f'user{i}@acme.example')" > known.txt
"$bin" -q invite - --role viewer --print-link --format csv < known.txt | tail -n +2 | sed 's/.*,//' > links.txt
while read -r link; do
  printf '%s\n%s\n' "$link" "correct horse battery" | "$bin" -q accept - --first-name Ann --last-name Lee --password-stdin 2> /dev/null
done < links.txt
rm -rf outbox

if [ "${WITH_SMTP:-}" = 1 ]; then
  python3 -u "$repo/tests/smtp_server.py" > smtp.out 2> /dev/null &
  smtp=$!
  until grep -q PORT smtp.out; do sleep 0.1; done
  printf '[mail]\nfrom = "it@acme.example"\n[smtp]\nhost = "127.0.0.1"\nport = %s\nsecurity = "none"\n' \
    "$(sed -n 's/PORT //p' smtp.out)" > invitectl.toml
  echo "bench: mail goes to the SMTP server on port $(sed -n 's/PORT //p' smtp.out)" >&2
fi

"$bin" -q serve-accept --bind 127.0.0.1:0 2> server.err &
server=$!
until grep -q listening server.err; do sleep 0.1; done
port=$(sed -n 's/.*127.0.0.1:\([0-9]*\).*/\1/p' server.err | head -1)

# Warm up: the server's connections and both paths, with addresses of their own.
for i in $(seq 1 20); do
  curl -s -o /dev/null -H "X-Forwarded-For: 10.255.0.$i" -d "email=warm$i@acme.example" "http://127.0.0.1:$port/forgot"
done

echo "== POST /forgot, $rounds rounds of one known and one unknown address"
bench_loads+=("$(load1)")
python3 "$repo/bench/forgot.py" "$port" known.txt "$rounds" | tee forgot.out

# The mail thread finishes what was asked; then count what it did.
for _ in $(seq 1 1200); do
  done=$(sqlite3 invitectl.db "SELECT count(*) FROM password_resets WHERE delivery <> 'queued'")
  [ "$done" -ge "$rounds" ] && break
  sleep 0.1
done
dropped=$(grep -c "mail queue is full" server.err || true)
sent=$(sqlite3 invitectl.db "SELECT count(*) FROM password_resets WHERE delivery = 'sent'")
refused=$(sqlite3 invitectl.db "SELECT count(*) FROM audit_log WHERE action = 'reset refused' AND subject LIKE 'nobody%'")
echo "reset mails sent: $sent (one per request for an active user: $rounds); unknown addresses refused without mail: $refused; requests dropped with the mail queue full: $dropped"
median_of_kind() { sed -n "s/^POST \/forgot, $1.*median \([0-9.]*\) ms.*/\1/p" forgot.out; }
known_ms=$(median_of_kind "an active")
unknown_ms=$(median_of_kind "an unknown")
figure "POST /forgot, known / unknown" "$known_ms ms (active user)" "$unknown_ms ms (unknown address)" \
  "$(awk -v a="$known_ms" -v b="$unknown_ms" 'BEGIN { printf "%.3f", a / b }')" LE 1.1
