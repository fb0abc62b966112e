#!/usr/bin/env bash
# GET /auth behind nginx auth_request, against the same nginx serving a static
# file: the cost of forward authentication per request to a protected app.
# Prints both rates and their ratio (the goal is at least 0.5 on SQLite).
# Usage: bench/auth.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
connections=${2:-32}

for tool in wrk nginx; do
  command -v "$tool" > /dev/null || { echo "bench: $tool is missing: run scripts/setup.sh and apt-get install wrk" >&2; exit 1; }
done

cargo build --release --quiet
bin=$PWD/target/release/invitectl
conf=$PWD/deploy/nginx-protected-app.conf
work=$(mktemp -d)
cd "$work"
pids=()
trap 'kill "${pids[@]}" 2> /dev/null; rm -rf "$work"' EXIT

"$bin" -q teams add ops > /dev/null
"$bin" -q invite ann@acme.example --role editor --team ops --print-link --format csv \
  | tail -n +2 | sed 's/.*token=//' > token
printf '%s\n%s\n' "$(cat token)" "correct horse battery" \
  | "$bin" -q accept - --first-name Ann --last-name Lee --password-stdin > /dev/null 2>&1
"$bin" -q serve-accept --bind 127.0.0.1:0 2> server.err &
pids+=($!)
until grep -q listening server.err; do sleep 0.1; done
port=$(sed -n 's/.*127.0.0.1:\([0-9]*\).*/\1/p' server.err | head -1)
cookie=$(curl -s -o /dev/null -D - -d email=ann@acme.example -d 'password=correct horse battery' \
  "http://127.0.0.1:$port/login" | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p')

# The deploy block itself, on plain http, in front of an "app" that is a
# static file; and a second server serving that file with no auth at all.
nginx_port=$((20000 + RANDOM % 10000))
mkdir -p www && echo "hello from the app" > www/index.html
sed -e "s|listen 443 ssl http2;|listen 127.0.0.1:$nginx_port;|" \
    -e "s|http://127.0.0.1:8080/auth|http://127.0.0.1:$port/auth|" \
    -e "s|http://127.0.0.1:3000|http://127.0.0.1:$((nginx_port + 1))|" \
    -e '/listen \[::\]/d' -e '/^ *ssl_/d' "$conf" > app.conf
cat > nginx.conf <<NGINX
daemon off;
master_process off;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  upstream invitectl { server 127.0.0.1:$port; keepalive 64; }
  include $work/app.conf;
  server { listen 127.0.0.1:$((nginx_port + 1)); root $work/www; }
  server { listen 127.0.0.1:$((nginx_port + 2)); root $work/www; }
}
NGINX
# Kept-alive connections to invitectl, as a production setup would have.
sed -i "s|proxy_pass http://127.0.0.1:$port/auth;|proxy_pass http://invitectl/auth;|" app.conf
nginx -p "$work" -e "$work/error.log" -c "$work/nginx.conf" &
pids+=($!)
until curl -s -o /dev/null "http://127.0.0.1:$((nginx_port + 2))/"; do sleep 0.1; done

check=$(curl -s -H "Host: apps.acme.example" -H "Cookie: $cookie" "http://127.0.0.1:$nginx_port/")
[ "$check" = "hello from the app" ] || { echo "bench: the protected app did not answer: $check" >&2; exit 1; }
denied=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: apps.acme.example" "http://127.0.0.1:$nginx_port/")
[ "$denied" = 302 ] || { echo "bench: without the cookie nginx answered $denied, not 302" >&2; exit 1; }

rate() { wrk -t2 -c"$connections" -d"${seconds}s" "$@" | awk '/Requests\/sec/ {print $2}'; }
echo "== wrk 2 threads, $connections connections, ${seconds}s each; nginx in one process; $(nproc) cores"
static=$(rate "http://127.0.0.1:$((nginx_port + 2))/index.html")
echo "static file, no auth:          $static requests/s"
auth=$(rate -H "Host: apps.acme.example" -H "Cookie: $cookie" "http://127.0.0.1:$nginx_port/index.html")
echo "static file behind /auth:      $auth requests/s"
awk -v a="$auth" -v s="$static" 'BEGIN { printf "ratio: %.2f (goal: at least 0.50)\n", a / s }'
