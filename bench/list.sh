#!/usr/bin/env bash
# `invitectl list --format json` over 100,000 invitations, beside `sqlite3 -json`
# selecting the same columns from the same file, in the same run.
# With BASELINE_BIN=/path/to/an/older/invitectl, that binary lists the same
# file too, run by run alternating with the new one (new, old, new, old, …),
# and the ratio new / old is printed (goal: at most 1.0).
# For PostgreSQL see bench/list_postgres.sh.
# Usage: [BASELINE_BIN=…] bench/list.sh [ROWS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
rows=${1:-100000}
runs=${2:-5}
build
baseline
work=$(mktemp -d)
at_exit "rm -rf '$work'"
cd "$work"

# Create the schema with invitectl, then fill it fast with SQL.
"$bin" -q teams add ops
"$bin" -q teams add dev
"$bin" -q departments add Engineering
sqlite3 invitectl.db > /dev/null <<SQL
PRAGMA journal_mode = WAL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO users (email, role, department_id, status, created_at)
SELECT 'user' || i || '@acme.example', 'editor', 1, 'pending', '2026-11-25T00:00:00Z' FROM n;
INSERT INTO invitations (email, user_id, role, department_id, invited_by, token_hash, status, sent_at, expires_at, delivery)
SELECT email, id, role, department_id, 'it@acme.example', randomblob(32),
       CASE WHEN id % 10 = 0 THEN 'cancelled' WHEN id % 7 = 0 THEN 'accepted' ELSE 'pending' END,
       '2026-11-25T00:00:00Z', CASE WHEN id % 3 = 0 THEN '2026-11-25T12:00:00Z' ELSE '2099-01-01T00:00:00Z' END, 'sent'
FROM users;
INSERT INTO invitation_teams SELECT id, 1 FROM invitations WHERE id % 2 = 0;
INSERT INTO invitation_teams SELECT id, 2 FROM invitations WHERE id % 4 = 0;
COMMIT;
SQL

now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
query="SELECT i.id, i.email, i.role, d.name AS department,
  (SELECT group_concat(name, ',') FROM (SELECT t.name FROM invitation_teams it JOIN teams t ON t.id = it.team_id
     WHERE it.invitation_id = i.id ORDER BY t.name)) AS teams,
  i.invited_by, i.sent_at, i.expires_at,
  CASE WHEN i.status = 'pending' AND i.expires_at <= '$now' THEN 'expired' ELSE i.status END AS status,
  i.delivery, i.accepted_at, i.cancelled_at
FROM invitations i LEFT JOIN departments d ON d.id = i.department_id
WHERE i.status <> 'superseded' ORDER BY i.id"

count() { python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
expected=$(sqlite3 invitectl.db "SELECT count(*) FROM invitations WHERE status <> 'superseded'")
ours_count=$("$bin" list --status all --format json | count)
theirs_count=$(sqlite3 -json invitectl.db "$query" | count)
[ "$ours_count" = "$expected" ] && [ "$theirs_count" = "$expected" ] ||
  { echo "row counts differ: invitectl $ours_count, sqlite3 $theirs_count, table $expected" >&2; exit 1; }
if [ -n "$base" ]; then
  base_count=$("$base" list --status all --format json | count)
  [ "$base_count" = "$expected" ] || { echo "row counts differ: baseline $base_count, table $expected" >&2; exit 1; }
  # Both print the same document.
  cmp -s <("$bin" list --status all --format json) <("$base" list --status all --format json) ||
    { echo "the new and the baseline binary list different JSON" >&2; exit 1; }
fi

# One warm-up of each, then the runs, alternating.
"$bin" list --status all --format json > /dev/null
[ -z "$base" ] || "$base" list --status all --format json > /dev/null
ours=() olds=() theirs=()
for run in $(seq "$runs"); do
  quiet "list run $run"
  ours+=("$(elapsed_ms "$bin" list --status all --format json)")
  [ -z "$base" ] || olds+=("$(elapsed_ms "$base" list --status all --format json)")
  theirs+=("$(elapsed_ms sqlite3 -json invitectl.db "$query")")
done
ours_ms=$(printf '%s\n' "${ours[@]}" | median)
theirs_ms=$(printf '%s\n' "${theirs[@]}" | median)
peak_kb=$( { /usr/bin/time -f '%M' "$bin" list --status all --format json > /dev/null; } 2>&1 | tail -1 || echo "?")

echo "rows listed:                     $ours_count (SQLite, $runs runs each, alternating)"
echo "invitectl list --format json:    ${ours_ms} ms median (${ours[*]})"
echo "sqlite3 -json, same columns:     ${theirs_ms} ms median (${theirs[*]})"
r=$(ratio "$ours_ms" "$theirs_ms")
echo "ratio invitectl / sqlite3:       ${r}x (goal: at most 2x: $(verdict "$r" LE 2)); run by run $(paired "${ours[*]}" "${theirs[*]}")x"
figure "list --format json, $rows rows" "${ours_ms} ms" "${theirs_ms} ms sqlite3 -json" "$r" LE 2
if [ -n "$base" ]; then
  base_ms=$(printf '%s\n' "${olds[@]}" | median)
  echo "baseline $base: ${base_ms} ms median (${olds[*]})"
  r=$(ratio "$ours_ms" "$base_ms")
  echo "ratio new / baseline:            ${r}x (goal: at most 1.0x: $(verdict "$r" LE 1.0)); run by run $(paired "${ours[*]}" "${olds[*]}")x"
fi
echo "invitectl peak memory:           ${peak_kb} KiB"
loads_summary
