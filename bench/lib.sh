# Helpers the bench scripts source (not a script of its own).
#
#   quiet LABEL          wait until the 1-minute load is at most BENCH_MAX_LOAD
#                        (default 1.5), checking every 30 s for up to
#                        BENCH_MAX_WAIT seconds (default 600), then go on
#                        anyway; every load seen before a measured run is kept
#                        for loads_summary
#   loads_summary        one line: the loads before the measured runs
#   elapsed_ms CMD...    run CMD (stdout to /dev/null), print its wall time in ms
#   median               the median of the numbers on stdin, one a line
#   paired "A…" "B…"     the median of the per-run ratios A/B
#   ratio A B            A / B to two decimals
#   verdict VALUE LE|GE GOAL   "met" or "MISSED"
#   at_exit CMD          run CMD (a string) when the script exits, last first
#   free_port            a free TCP port on 127.0.0.1
#   build                cargo build --release; sets $bin to the new invitectl
#   baseline             sets $base to BASELINE_BIN if given (checked)
#   pg_cluster           a throwaway PostgreSQL (scripts/postgres-cluster.sh,
#                        stopped at exit); sets $pg_admin (admin URL) and $pg_port
#   pg_database NAME     a new database owned by invitectl; prints its TCP URL
#   pg_sql URL SQL...    psql -X -q -v ON_ERROR_STOP=1 -At against URL
#   figure NAME OURS FLOOR RATIO LE|GE GOAL
#                        the one summary line of a figure (see bench/all.sh):
#                        printed, and appended to $BENCH_FIGURES when set

bench_max_load=${BENCH_MAX_LOAD:-1.5}
bench_max_wait=${BENCH_MAX_WAIT:-600}
bench_loads=()
bench_exits=()

bench_run_exits() {
  local i
  cd /
  for ((i = ${#bench_exits[@]} - 1; i >= 0; i--)); do
    eval "${bench_exits[i]}" || true
  done
}
trap bench_run_exits EXIT

at_exit() {
  bench_exits+=("$1")
}

load1() {
  cut -d' ' -f1 /proc/loadavg
}

quiet() {
  local waited=0 load
  load=$(load1)
  while awk -v l="$load" -v m="$bench_max_load" 'BEGIN { exit !(l > m) }'; do
    if [ "$waited" -ge "$bench_max_wait" ]; then
      echo "bench: the load is still $load after ${waited} s of waiting; measuring ${1:-} anyway" >&2
      bench_loads+=("$load!")
      return
    fi
    echo "bench: 1-minute load $load is above $bench_max_load; waiting 30 s before ${1:-the next run}" >&2
    sleep 30
    waited=$((waited + 30))
    load=$(load1)
  done
  bench_loads+=("$load")
}

loads_summary() {
  local sorted
  sorted=$(printf '%s\n' "${bench_loads[@]}" | tr -d '!' | sort -g)
  echo "1-minute load before the ${#bench_loads[@]} measured runs: $(head -1 <<< "$sorted")–$(tail -1 <<< "$sorted")" \
    "(waited for it to be at most $bench_max_load$(printf '%s\n' "${bench_loads[@]}" | grep -q '!' && echo '; some runs went ahead above it after the longest wait'))"
}

elapsed_ms() {
  local start end
  start=$(date +%s%N)
  "$@" > /dev/null
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}

median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "inf"; else printf "%.2f", a / b }'
}

verdict() {
  awk -v v="$1" -v op="$2" -v g="$3" 'BEGIN { ok = (op == "LE") ? (v <= g) : (v >= g); print ok ? "met" : "MISSED" }'
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

build() {
  cargo build --release --quiet
  bin=${CARGO_TARGET_DIR:-$PWD/target}/release/invitectl
}

baseline() {
  base=${BASELINE_BIN:-}
  if [ -n "$base" ]; then
    [ -x "$base" ] || { echo "bench: BASELINE_BIN=$base is not an executable" >&2; exit 1; }
    base=$(realpath "$base")
  fi
}

pg_cluster() {
  local script
  script=$(realpath scripts/postgres-cluster.sh)
  # Not under a private (0700) mktemp directory: the server runs as postgres.
  pg_dir=/tmp/invitectl-bench-pg.$$
  at_exit "'$script' stop '$pg_dir'"
  pg_admin=$("$script" start "$pg_dir" 2> /dev/null)
  pg_port=$(cat "$pg_dir/port")
}

pg_database() {
  psql -X -q -v ON_ERROR_STOP=1 "$pg_admin" -c "CREATE DATABASE $1 OWNER invitectl" > /dev/null
  echo "postgres://invitectl:invitectl-test@127.0.0.1:$pg_port/$1?sslmode=disable"
}

pg_sql() {
  local url=$1
  shift
  PGPASSWORD=invitectl-test psql -X -q -v ON_ERROR_STOP=1 -At "$url" "$@"
}

# serve NAME BINARY [GLOBAL ARGS...]: starts `BINARY -q [ARGS] serve-accept`
# on a free port (stopped at exit) and waits until it answers /healthz; sets
# $served_port and $served_pid. Its stderr goes to ./NAME.err.
serve() {
  local name=$1 binary=$2 tries=0
  shift 2
  served_port=$(free_port)
  "$binary" -q "$@" serve-accept --bind "127.0.0.1:$served_port" 2> "$name.err" &
  served_pid=$!
  at_exit "kill $served_pid 2> /dev/null; wait $served_pid 2> /dev/null"
  until curl -sf "http://127.0.0.1:$served_port/healthz" > /dev/null; do
    tries=$((tries + 1))
    if [ "$tries" -gt 300 ] || ! kill -0 "$served_pid" 2> /dev/null; then
      echo "bench: serve-accept ($name) did not come up:" >&2
      cat "$name.err" >&2
      exit 1
    fi
    sleep 0.1
  done
}

# tokens N PREFIX [GLOBAL ARGS...]: invites N new addresses with the new
# binary and writes their link tokens to PREFIX.tokens (checks the count).
tokens() {
  local n=$1 prefix=$2
  shift 2
  python3 -c "for i in range($n): print(f'$prefix{i}@acme.example')" > "$prefix.txt"
  "$bin" -q "$@" invite - --role viewer --print-link --format csv < "$prefix.txt" | tail -n +2 | sed 's/.*token=//' > "$prefix.tokens"
  [ "$(wc -l < "$prefix.tokens")" -eq "$n" ] || { echo "bench: made $(wc -l < "$prefix.tokens") tokens of $n" >&2; exit 1; }
}

# flood PORTS TOKENS CONCURRENCY: post_flood.py; prints its rate after
# checking that every token was accepted.
flood() {
  local out accepted expected
  out=$(python3 "$bench_dir/post_flood.py" "$@")
  echo "$out" >&2
  accepted=$(sed -n 's/.*accepted=\([0-9]*\) .*/\1/p' <<< "$out")
  expected=$(wc -l < "$2")
  [ "$accepted" = "$expected" ] || { echo "bench: $accepted of $expected POST /accept accepted" >&2; exit 1; }
  sed -n 's/.*rate=\([0-9.]*\).*/\1/p' <<< "$out"
}

# argon2 THREADS SECONDS: raw argon2id hashes/s (benches/argon2_rate.rs).
argon2() {
  (cd "$bench_repo" && cargo bench --quiet --bench argon2_rate -- "$1" "$2") | sed -n 's/hashes_per_second=//p'
}

bench_repo=$PWD
bench_dir=$PWD/bench

# paired "A1 A2 …" "B1 B2 …": the median of the per-run ratios Ai / Bi (runs
# that took turns, so a slow spell from other work hits both of a pair).
paired() {
  local -a a=($1) b=($2)
  local i
  for i in "${!a[@]}"; do
    ratio "${a[i]}" "${b[i]}"
    echo
  done | median | xargs printf '%.2f'
}

# figure NAME OURS FLOOR RATIO LE|GE GOAL: one line per figure, the same
# shape in every script, so that bench/all.sh (and the next round) compares
# like with like: name | ours | floor | ratio | goal and its verdict | the
# 1-minute loads before the measured runs and now.
figure() {
  local name=$1 ours=$2 floor=$3 r=$4 op=$5 goal=$6 sign
  sign=$([ "$op" = LE ] && echo "<=" || echo ">=")
  figure_line "$name" "$ours" "$floor" "$r" "$sign ${goal}x $(verdict "$r" "$op" "$goal")"
}

# figure_under NAME OURS UNIT FLOOR_TEXT FLOOR LIMIT: a figure whose goal is
# a limit on ours itself (memory under 150 MiB); the ratio to the floor is
# shown beside it.
figure_under() {
  local name=$1 ours=$2 unit=$3 floor_text=$4 floor=$5 limit=$6
  figure_line "$name" "$ours $unit" "$floor_text" "$(ratio "$ours" "$floor")" \
    "< $limit $unit $(verdict "$ours" LE "$limit")"
}

figure_line() {
  local loads line
  loads=$(printf '%s\n' "${bench_loads[@]}" | tr -d '!' | sort -g | sed -n '1p;$p' | paste -sd'-')
  line=$(printf '%-34s | %-26s | %-34s | %6sx | %-16s | load %s (now %s)' \
    "$1" "$2" "$3" "$4" "$5" "${loads:-?}" "$(load1)")
  echo "figure: $line"
  [ -z "${BENCH_FIGURES:-}" ] || echo "$line" >> "$BENCH_FIGURES"
}
