#!/usr/bin/env bash
# GET /auth behind nginx auth_request, against the same nginx serving a static
# file: the cost of forward authentication per request to a protected app.
# Prints both rates and their ratio, and the app behind invitectl's /auth
# beside the same app behind an /auth nginx answers itself (the ceiling; the
# goal is at least 0.8 of it), run by run, taking turns so that other work
# on the machine hits all of them.
# With BASELINE_BIN=/path/to/an/older/invitectl its serve-accept, on the same
# file, takes its turn after the new one's in every run.
# Usage: [BASELINE_BIN=…] bench/auth.sh [SECONDS] [CONNECTIONS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
seconds=${1:-10}
connections=${2:-32}
runs=${3:-3}

for tool in wrk nginx; do
  command -v "$tool" > /dev/null || { echo "bench: $tool is missing: run scripts/setup.sh and apt-get install wrk" >&2; exit 1; }
done

build
baseline
conf=$PWD/deploy/nginx-protected-app.conf
work=$(mktemp -d)
at_exit "rm -rf '$work'"
cd "$work"

"$bin" -q teams add ops > /dev/null
"$bin" -q invite ann@acme.example --role editor --team ops --print-link --format csv \
  | tail -n +2 | sed 's/.*token=//' > token
printf '%s\n%s\n' "$(cat token)" "correct horse battery" \
  | "$bin" -q accept - --first-name Ann --last-name Lee --password-stdin > /dev/null 2>&1
"$bin" -q serve-accept --bind 127.0.0.1:0 2> server.err &
at_exit "kill $! 2> /dev/null"
until grep -q listening server.err; do sleep 0.1; done
port=$(sed -n 's/.*127.0.0.1:\([0-9]*\).*/\1/p' server.err | head -1)
cookie=$(curl -s -o /dev/null -D - -d email=ann@acme.example -d 'password=correct horse battery' \
  "http://127.0.0.1:$port/login" | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p')
base_port=$port
if [ -n "$base" ]; then
  serve old "$base"
  base_port=$served_port
fi

# The deploy block itself, on plain http, in front of an "app" that is a
# static file, its upstreams pointed at this run's servers (it keeps their
# connections alive: a new one per request, tens of thousands in TIME_WAIT,
# cost nginx more than /auth did).
# Beside it: the same block with a second nginx process answering /auth
# itself, the most any /auth could give on this machine; a server serving
# the file with no auth at all; and one passing GET /auth itself to
# invitectl (what one auth_request subrequest costs, without the app).
nginx_port=$((20000 + RANDOM % 10000))
mkdir -p www && echo "hello from the app" > www/index.html
block() { # LISTEN_PORT AUTH_UPSTREAM
  sed -e "s|listen 443 ssl http2;|listen 127.0.0.1:$1;|" \
      -e "s|proxy_pass http://invitectl_auth/auth;|proxy_pass http://$2/auth;|" \
      -e 's|proxy_pass http://protected_app;|proxy_pass http://app;|' \
      -e '/^upstream /,/^}/d' -e '/listen \[::\]/d' -e '/^ *ssl_/d' "$conf"
}
block "$nginx_port" invitectl > app.conf
block "$((nginx_port + 3))" nginx_auth | sed '/^map /,/^}/d' > ceiling.conf
block "$((nginx_port + 5))" invitectl_old | sed '/^map /,/^}/d' > baseline.conf
cat > nginx.conf <<NGINX
daemon off;
master_process off;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  upstream invitectl { server 127.0.0.1:$port; keepalive 64; }
  upstream invitectl_old { server 127.0.0.1:$base_port; keepalive 64; }
  upstream nginx_auth { server 127.0.0.1:$((nginx_port + 4)); keepalive 64; }
  upstream app { server 127.0.0.1:$((nginx_port + 1)); keepalive 64; }
  include $work/app.conf;
  include $work/ceiling.conf;
  include $work/baseline.conf;
  server { listen 127.0.0.1:$((nginx_port + 1)); root $work/www; }
  server { listen 127.0.0.1:$((nginx_port + 2)); root $work/www; }
  server {
    listen 127.0.0.1:$((nginx_port + 6));
    location = /auth { proxy_pass http://invitectl; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
NGINX
cat > nginx_auth.conf <<NGINX
daemon off;
master_process off;
pid $work/nginx_auth.pid;
error_log $work/error_auth.log;
events { worker_connections 4096; }
http {
  access_log off;
  server { listen 127.0.0.1:$((nginx_port + 4)); location = /auth { return 200; } }
}
NGINX
for name in nginx nginx_auth; do
  nginx -p "$work" -e "$work/error.log" -c "$work/$name.conf" &
  at_exit "kill $! 2> /dev/null"
done
until curl -s -o /dev/null "http://127.0.0.1:$((nginx_port + 2))/" && curl -s -o /dev/null "http://127.0.0.1:$((nginx_port + 4))/auth"; do sleep 0.1; done

check=$(curl -s -H "Host: apps.acme.example" -H "Cookie: $cookie" "http://127.0.0.1:$nginx_port/")
[ "$check" = "hello from the app" ] || { echo "bench: the protected app did not answer: $check" >&2; exit 1; }
denied=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: apps.acme.example" "http://127.0.0.1:$nginx_port/")
[ "$denied" = 302 ] || { echo "bench: without the cookie nginx answered $denied, not 302" >&2; exit 1; }
check=$(curl -s -H "Host: apps.acme.example" "http://127.0.0.1:$((nginx_port + 3))/")
[ "$check" = "hello from the app" ] || { echo "bench: the app behind nginx's own /auth did not answer: $check" >&2; exit 1; }

# wrk ARGS…: requests/s; fails on any error or non-2xx answer.
rate() {
  local out
  out=$(wrk -t2 -c"$connections" -d"${seconds}s" "$@")
  if grep -qE "Non-2xx|Socket errors" <<< "$out"; then
    echo "bench: wrk saw errors:" >&2
    echo "$out" >&2
    exit 1
  fi
  awk '/Requests\/sec/ {print $2}' <<< "$out"
}
echo "== wrk 2 threads, $connections connections, ${seconds}s each, $runs runs each, alternating; nginx in one process; $(nproc) cores"
statics=() auths=() ceilings=() directs=() proxied=() olds=() directs_old=()
for run in $(seq "$runs"); do
  quiet "run $run"
  statics+=("$(rate "http://127.0.0.1:$((nginx_port + 2))/index.html")")
  auths+=("$(rate -H "Host: apps.acme.example" -H "Cookie: $cookie" "http://127.0.0.1:$nginx_port/index.html")")
  ceilings+=("$(rate -H "Host: apps.acme.example" "http://127.0.0.1:$((nginx_port + 3))/index.html")")
  directs+=("$(rate -H "Cookie: $cookie" "http://127.0.0.1:$port/auth")")
  proxied+=("$(rate -H "Cookie: $cookie" "http://127.0.0.1:$((nginx_port + 6))/auth")")
  if [ -n "$base" ]; then
    olds+=("$(rate -H "Host: apps.acme.example" -H "Cookie: $cookie" "http://127.0.0.1:$((nginx_port + 5))/index.html")")
    directs_old+=("$(rate -H "Cookie: $cookie" "http://127.0.0.1:$base_port/auth")")
    echo "run $run, baseline: behind /auth ${olds[-1]} ($(ratio "${olds[-1]}" "${statics[-1]}")x); /auth alone ${directs_old[-1]} requests/s"
  fi
  echo "run $run: static ${statics[-1]}; behind /auth ${auths[-1]} ($(ratio "${auths[-1]}" "${statics[-1]}")x);" \
    "behind nginx's own /auth ${ceilings[-1]} ($(ratio "${ceilings[-1]}" "${statics[-1]}")x); /auth alone ${directs[-1]} ($(ratio "${directs[-1]}" "${statics[-1]}")x);" \
    "/auth through nginx ${proxied[-1]} ($(ratio "${proxied[-1]}" "${statics[-1]}")x) requests/s"
done
median_of() { printf '%s\n' "$@" | median; }
auth_ratio=$(paired "${auths[*]}" "${statics[*]}")
echo "static file, no auth:               $(median_of "${statics[@]}") requests/s (${statics[*]})"
echo "static file behind /auth:           $(median_of "${auths[@]}") requests/s (${auths[*]})"
echo "ratio to static: ${auth_ratio}x run by run (compare with the ceiling below: the most any /auth gives here)"
echo "behind an /auth nginx answers:      $(median_of "${ceilings[@]}") requests/s (${ceilings[*]});" \
  "$(paired "${ceilings[*]}" "${statics[*]}")x static, the most any /auth could give here;" \
  "invitectl's /auth gives $(paired "${auths[*]}" "${ceilings[*]}")x of it"
echo "GET /auth alone, no nginx:          $(median_of "${directs[@]}") requests/s (${directs[*]}); $(paired "${directs[*]}" "${statics[*]}")x static"
echo "GET /auth through nginx proxy_pass: $(median_of "${proxied[@]}") requests/s (${proxied[*]}); $(paired "${proxied[*]}" "${statics[*]}")x static"
behind=$(paired "${auths[*]}" "${ceilings[*]}")
alone=$(paired "${directs[*]}" "${statics[*]}")
figure "P9 app behind /auth" "$(median_of "${auths[@]}") req/s" "$(median_of "${ceilings[@]}") req/s nginx's own /auth" "$behind" GE 0.8
figure "P9 GET /auth alone" "$(median_of "${directs[@]}") req/s" "$(median_of "${statics[@]}") req/s nginx static" "$alone" GE 0.6
if [ -n "$base" ]; then
  echo "baseline behind /auth:              $(median_of "${olds[@]}") requests/s (${olds[*]}); $(paired "${olds[*]}" "${statics[*]}")x static; new / baseline $(paired "${auths[*]}" "${olds[*]}")x"
  echo "baseline GET /auth alone:           $(median_of "${directs_old[@]}") requests/s (${directs_old[*]}); new / baseline $(paired "${directs[*]}" "${directs_old[*]}")x"
fi
loads_summary
