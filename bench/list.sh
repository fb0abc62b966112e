#!/usr/bin/env bash
# `invitectl list --format json` over 100,000 invitations, beside `sqlite3 -json`
# selecting the same columns from the same file, in the same run.
# Usage: bench/list.sh [ROWS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-100000}
runs=${2:-5}
cargo build --release --quiet
bin=$PWD/target/release/invitectl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
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

# Median wall time in milliseconds of running "$@" $runs times.
median_ms() {
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    "$@" > /dev/null
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p"
}

ours_count=$("$bin" list --status all --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
theirs_count=$(sqlite3 -json invitectl.db "$query" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$ours_count" = "$theirs_count" ] || { echo "row counts differ: $ours_count vs $theirs_count" >&2; exit 1; }

ours=$(median_ms "$bin" list --status all --format json)
theirs=$(median_ms sqlite3 -json invitectl.db "$query")
peak_kb=$( { /usr/bin/time -f '%M' "$bin" list --status all --format json > /dev/null; } 2>&1 | tail -1 || echo "?")
echo "rows listed:                     $ours_count"
echo "invitectl list --format json:    ${ours} ms (median of $runs)"
echo "sqlite3 -json, same columns:     ${theirs} ms (median of $runs)"
echo "ratio invitectl / sqlite3:       $(python3 -c "print(f'{$ours / max($theirs, 1):.2f}x')") (goal: at most 2x)"
echo "invitectl peak memory:           ${peak_kb} KiB"
