#!/usr/bin/env bash
# serve-accept under load, on loopback, SQLite:
#  1. GET /accept (a valid token's page) with wrk -t2 -c64, beside nginx
#     serving the same page as a static file to the same wrk, alternating run
#     by run (goal: serve-accept at least 0.5x nginx).
#  2. POST /accept accepts/s (POSTS accepts, 8 at a time) beside raw argon2id
#     hashes/s on 2 threads (benches/argon2_rate.rs), round by round: the
#     hashes are measured before and after each round's floods, their mean
#     the round's baseline (goal: at least 0.9x). With
#     BASELINE_BIN=/path/to/an/older/invitectl its serve-accept, on the same
#     file, takes its turn in every round too (after the new one in odd
#     rounds, before it in even ones): its ratio, and new / old; so does
#     its GET /accept in part 1. The baseline has
#     a database of its own (an older invitectl refuses a newer schema).
#  3. GET p99 while POSTs flood; peak memory with 500 concurrent POSTs.
# For PostgreSQL and two replicas see bench/web_postgres.sh.
# Usage: [BASELINE_BIN=…] bench/web.sh [SECONDS] [RUNS] [POSTS]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
seconds=${1:-10}
runs=${2:-3}
posts=${3:-400}

if ! command -v wrk > /dev/null || { ! command -v nginx > /dev/null && [ ! -x /usr/sbin/nginx ]; }; then
  echo "bench: installing wrk and nginx" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk nginx-light > /dev/null
fi
export PATH="$PATH:/usr/sbin"

build
baseline
cargo bench --no-run --quiet --bench argon2_rate 2> /dev/null
work=$(mktemp -d)
at_exit "rm -rf '$work'"
# nginx's workers (nobody, when run as root) read the page in here.
chmod 0755 "$work"
cd "$work"

serve new "$bin"
port=$served_port
new_pid=$served_pid
if [ -n "$base" ]; then
  serve old "$base" --db baseline.db
  base_port=$served_port
fi

tokens 1 get
get_path="/accept?token=$(cat get.tokens)"
if [ -n "$base" ]; then
  bin=$base tokens 1 get_old --db baseline.db
  base_get_path="/accept?token=$(cat get_old.tokens)"
fi

# The same page, as nginx would serve it from a file.
mkdir -p nginx/www nginx/tmp
curl -sf -o nginx/www/accept.html "http://127.0.0.1:$port$get_path"
grep -q '<form' nginx/www/accept.html || { echo "bench: GET /accept did not show the accept form" >&2; exit 1; }
nginx_port=$(free_port)
cat > nginx/nginx.conf <<NGINX
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    keepalive_requests 1000000;
    client_body_temp_path $work/nginx/tmp/body;
    proxy_temp_path $work/nginx/tmp/proxy;
    fastcgi_temp_path $work/nginx/tmp/fastcgi;
    uwsgi_temp_path $work/nginx/tmp/uwsgi;
    scgi_temp_path $work/nginx/tmp/scgi;
    server {
        listen 127.0.0.1:$nginx_port;
        root $work/nginx/www;
        location = /accept {
            default_type "text/html; charset=utf-8";
            try_files /accept.html =404;
        }
    }
}
NGINX
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' 2> nginx/stderr &
at_exit "kill $! 2> /dev/null"
until curl -sf -o nginx/check.html "http://127.0.0.1:$nginx_port$get_path"; do sleep 0.1; done
cmp -s nginx/check.html nginx/www/accept.html || { echo "bench: nginx serves another page" >&2; exit 1; }

# wrk PORT [PATH]: requests/s; fails on any error or non-2xx answer.
get_rate() {
  local out
  out=$(wrk -t2 -c64 -d"${seconds}s" --latency "http://127.0.0.1:$1${2:-$get_path}")
  if grep -qE "Non-2xx|Socket errors" <<< "$out"; then
    echo "bench: wrk on port $1 saw errors:" >&2
    echo "$out" >&2
    exit 1
  fi
  echo "$(awk '/Requests\/sec/ {print $2}' <<< "$out") $(awk '$1 == "99%" {print $2}' <<< "$out")"
}

echo "== GET /accept, wrk -t2 -c64, ${seconds}s, $runs runs each, alternating with nginx"
gets=() nginxes=() gets_old=()
for run in $(seq "$runs"); do
  quiet "GET run $run"
  # The baseline goes first in every other run, so neither always follows
  # the wait for a quiet machine.
  if [ -n "$base" ] && [ $((run % 2)) -eq 0 ]; then
    read -r rate p99 < <(get_rate "$base_port" "$base_get_path")
    gets_old+=("$rate")
    echo "baseline:     $rate requests/s, p99 $p99" >&2
  fi
  read -r rate p99 < <(get_rate "$port")
  gets+=("$rate")
  echo "serve-accept: $rate requests/s, p99 $p99" >&2
  if [ -n "$base" ] && [ $((run % 2)) -eq 1 ]; then
    read -r rate p99 < <(get_rate "$base_port" "$base_get_path")
    gets_old+=("$rate")
    echo "baseline:     $rate requests/s, p99 $p99" >&2
  fi
  read -r rate p99 < <(get_rate "$nginx_port")
  nginxes+=("$rate")
  echo "nginx:        $rate requests/s, p99 $p99" >&2
done
get_rate_median=$(printf '%s\n' "${gets[@]}" | median)
nginx_rate_median=$(printf '%s\n' "${nginxes[@]}" | median)
get_ratio=$(ratio "$get_rate_median" "$nginx_rate_median")

echo "== POST /accept: $posts accepts, 8 at a time, beside argon2id on 2 threads, $runs rounds"
argons=() posts_new=() posts_old=()
for run in $(seq "$runs"); do
  tokens "$posts" "post_new_$run"
  [ -z "$base" ] || bin=$base tokens "$posts" "post_old_$run" --db baseline.db
  quiet "POST round $run"
  before=$(argon2 2 3)
  # The baseline goes first in every other round.
  if [ -n "$base" ] && [ $((run % 2)) -eq 0 ]; then
    posts_old+=("$(flood "$base_port" "post_old_$run.tokens" 8)")
  fi
  posts_new+=("$(flood "$port" "post_new_$run.tokens" 8)")
  if [ -n "$base" ] && [ $((run % 2)) -eq 1 ]; then
    posts_old+=("$(flood "$base_port" "post_old_$run.tokens" 8)")
  fi
  after=$(argon2 2 3)
  # Before and after the floods: other work that starts or stops meanwhile
  # moves both halves of the round alike.
  argons+=("$(awk -v a="$before" -v b="$after" 'BEGIN { printf "%.1f", (a + b) / 2 }')")
  echo "argon2id, 2 threads: $before hashes/s before the floods, $after after" >&2
done
argon_median=$(printf '%s\n' "${argons[@]}" | median)
new_median=$(printf '%s\n' "${posts_new[@]}" | median)
post_ratio=$(ratio "$new_median" "$argon_median")

echo "== GET /accept while 400 POSTs flood (16 at a time)"
tokens 400 flood
python3 "$bench_dir/post_flood.py" "$port" flood.tokens 16 > flood.out &
flooding=$!
sleep 1
wrk -t1 -c8 -d5s --latency "http://127.0.0.1:$port$get_path" | grep -E "Requests/sec|^ +99%|^ +50%"
wait $flooding
cat flood.out

echo "== 500 concurrent POSTs"
tokens 500 burst
python3 "$bench_dir/post_flood.py" "$port" burst.tokens 500
echo "serve-accept peak memory (VmHWM): $(grep VmHWM "/proc/$new_pid/status" | awk '{print $2, $3}')"

echo "== Summary (SQLite; medians of $runs)"
echo "GET /accept serve-accept:        $get_rate_median requests/s (${gets[*]})"
echo "GET /accept nginx, static file:  $nginx_rate_median requests/s (${nginxes[*]})"
worst_get=$(for i in "${!gets[@]}"; do ratio "${gets[i]}" "${nginxes[i]}"; echo; done | sort -g | head -1)
echo "ratio serve-accept / nginx:      ${get_ratio}x; run by run $(paired "${gets[*]}" "${nginxes[*]}")x, the worst run ${worst_get}x (goal: at least 0.6x in every run: $(verdict "$worst_get" GE 0.6))"
if [ -n "$base" ]; then
  echo "GET /accept baseline:            $(printf '%s\n' "${gets_old[@]}" | median) requests/s (${gets_old[*]});" \
    "run by run $(paired "${gets_old[*]}" "${nginxes[*]}")x nginx; new / baseline $(paired "${gets[*]}" "${gets_old[*]}")x"
fi
echo "argon2id, 2 threads:             $argon_median hashes/s (${argons[*]})"
echo "POST /accept, new:               $new_median accepts/s (${posts_new[*]})"
echo "ratio new accepts / hashes:      ${post_ratio}x (goal: at least 0.9x: $(verdict "$post_ratio" GE 0.9)); round by round $(paired "${posts_new[*]}" "${argons[*]}")x"
if [ -n "$base" ]; then
  old_median=$(printf '%s\n' "${posts_old[@]}" | median)
  old_ratio=$(ratio "$old_median" "$argon_median")
  echo "POST /accept, baseline:          $old_median accepts/s (${posts_old[*]}; $base)"
  echo "ratio baseline accepts / hashes: ${old_ratio}x; round by round $(paired "${posts_old[*]}" "${argons[*]}")x"
  echo "ratio new / baseline accepts:    $(ratio "$new_median" "$old_median")x; round by round $(paired "${posts_new[*]}" "${posts_old[*]}")x"
fi
figure "P3 GET /accept (worst of $runs runs)" "$get_rate_median req/s" "$nginx_rate_median req/s nginx static" "$worst_get" GE 0.6
figure "POST /accept" "$new_median accepts/s" "$argon_median argon2id hashes/s" "$post_ratio" GE 0.9
loads_summary
