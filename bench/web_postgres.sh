#!/usr/bin/env bash
# POST /accept on PostgreSQL across two serve-accept replicas (two ports, one
# database), beside raw argon2id hashes/s on 2 threads (benches/argon2_rate.rs)
# on the same cores, round by round (the hashes measured before and after
# each round's floods, their mean the round's baseline). post_flood.py deals its
# workers and the tokens out between the two replicas (8 in flight each) and
# times them by one clock. For comparison each round also floods one replica
# alone (8 in flight). Goal: two replicas at least 0.8x the raw hashes.
# The database is a throwaway cluster from scripts/postgres-cluster.sh, with
# fsync, synchronous_commit and full_page_writes off; TCP on 127.0.0.1 with a
# password (scram-sha-256), no TLS. Every replica has one hashing thread per
# core (2 here), so the two of them run 4 hashing threads on the 2 cores.
# Usage: bench/web_postgres.sh [RUNS] [POSTS]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
runs=${1:-3}
posts=${2:-400}

build
cargo bench --no-run --quiet --bench argon2_rate 2> /dev/null
pg_cluster
url=$(pg_database bench_web)
work=$(mktemp -d)
at_exit "rm -rf '$work'"
cd "$work"

"$bin" -q --db "$url" teams add ops
serve one "$bin" --db "$url"
port_a=$served_port
serve two "$bin" --db "$url"
port_b=$served_port

echo "== POST /accept on PostgreSQL: $posts accepts over 2 replicas (16 in flight) and over 1 (8), beside argon2id on 2 threads, $runs rounds"
argons=() twos=() ones=()
for run in $(seq "$runs"); do
  tokens "$posts" "two_$run" --db "$url"
  tokens "$posts" "one_$run" --db "$url"
  quiet "POST round $run"
  before=$(argon2 2 3)
  twos+=("$(flood "$port_a,$port_b" "two_$run.tokens" 16)")
  ones+=("$(flood "$port_a" "one_$run.tokens" 8)")
  after=$(argon2 2 3)
  # Before and after the floods: other work that starts or stops meanwhile
  # moves both halves of the round alike.
  argons+=("$(awk -v a="$before" -v b="$after" 'BEGIN { printf "%.1f", (a + b) / 2 }')")
  echo "argon2id, 2 threads: $before hashes/s before the floods, $after after" >&2
done
accepted=$(pg_sql "$url" -c "SELECT count(*) FROM invitations WHERE status = 'accepted'")
active=$(pg_sql "$url" -c "SELECT count(*) FROM users WHERE status = 'active'")
[ "$accepted" = $((2 * runs * posts)) ] && [ "$active" = "$accepted" ] ||
  { echo "bench: the database holds $accepted accepted invitations and $active active users, not $((2 * runs * posts))" >&2; exit 1; }

argon_median=$(printf '%s\n' "${argons[@]}" | median)
two_median=$(printf '%s\n' "${twos[@]}" | median)
one_median=$(printf '%s\n' "${ones[@]}" | median)
two_ratio=$(ratio "$two_median" "$argon_median")
echo "== Summary (PostgreSQL $(pg_sql "$url" -c 'SHOW server_version' | cut -d' ' -f1), fsync=off, synchronous_commit=off; medians of $runs)"
echo "argon2id, 2 threads:               $argon_median hashes/s (${argons[*]})"
echo "POST /accept, 2 replicas:          $two_median accepts/s (${twos[*]}); $accepted accepted in the database in all"
echo "ratio 2 replicas / hashes:         ${two_ratio}x (goal: at least 0.8x: $(verdict "$two_ratio" GE 0.8)); round by round $(paired "${twos[*]}" "${argons[*]}")x"
figure "POST /accept, PostgreSQL, 2 hosts" "$two_median accepts/s" "$argon_median argon2id hashes/s" "$two_ratio" GE 0.8
echo "POST /accept, 1 replica:           $one_median accepts/s (${ones[*]})"
echo "ratio 1 replica / hashes:          $(ratio "$one_median" "$argon_median")x; round by round $(paired "${ones[*]}" "${argons[*]}")x"
loads_summary
