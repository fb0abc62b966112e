#!/usr/bin/env bash
# `invitectl list --format json` over 100,000 invitations on PostgreSQL,
# beside psql producing the same columns as one JSON array (json_agg) from
# the same database, in the same run, alternating run by run.
# The database is a throwaway cluster from scripts/postgres-cluster.sh, which
# runs with fsync, synchronous_commit and full_page_writes off; both sides
# connect over TCP on 127.0.0.1 with a password (scram-sha-256), no TLS.
# Goal: invitectl at most 2x psql.
# Usage: bench/list_postgres.sh [ROWS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
rows=${1:-100000}
runs=${2:-5}
build
pg_cluster
url=$(pg_database bench_list)
work=$(mktemp -d)
at_exit "rm -rf '$work'"
cd "$work"

# Create the schema with invitectl, then fill it fast with SQL.
"$bin" -q --db "$url" teams add ops
"$bin" -q --db "$url" teams add dev
"$bin" -q --db "$url" departments add Engineering
pg_sql "$url" > /dev/null <<SQL
BEGIN;
INSERT INTO users (email, role, department_id, status, created_at)
SELECT 'user' || i || '@acme.example', 'editor', (SELECT id FROM departments WHERE name = 'Engineering'),
       'pending', '2026-11-25T00:00:00Z'
FROM generate_series(1, $rows) AS i ORDER BY i;
INSERT INTO invitations (email, user_id, role, department_id, invited_by, token_hash, status, sent_at, expires_at, delivery)
SELECT email, id, role, department_id, 'it@acme.example', decode(md5(id::text) || md5((id + 1)::text), 'hex'),
       CASE WHEN id % 10 = 0 THEN 'cancelled' WHEN id % 7 = 0 THEN 'accepted' ELSE 'pending' END,
       '2026-11-25T00:00:00Z', CASE WHEN id % 3 = 0 THEN timestamptz '2026-11-25T12:00:00Z' ELSE '2099-01-01T00:00:00Z' END, 'sent'
FROM users ORDER BY id;
UPDATE invitations SET accepted_at = sent_at + interval '1 hour' WHERE status = 'accepted';
UPDATE invitations SET cancelled_at = sent_at + interval '2 hours', cancelled_by = 'it@acme.example' WHERE status = 'cancelled';
INSERT INTO invitation_teams SELECT id, (SELECT id FROM teams WHERE name = 'ops') FROM invitations WHERE id % 2 = 0;
INSERT INTO invitation_teams SELECT id, (SELECT id FROM teams WHERE name = 'dev') FROM invitations WHERE id % 4 = 0;
COMMIT;
ANALYZE users; ANALYZE invitations; ANALYZE invitation_teams; ANALYZE teams; ANALYZE departments;
SQL

stamp() { echo "to_char($1 AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"; }
query="SELECT coalesce(json_agg(r ORDER BY r.id), '[]') FROM (
  SELECT i.id, i.email, i.role, d.name AS department,
    (SELECT string_agg(t.name, ',' ORDER BY lower(t.name)) FROM invitation_teams it
       JOIN teams t ON t.id = it.team_id WHERE it.invitation_id = i.id) AS teams,
    i.invited_by, $(stamp i.sent_at) AS sent_at, $(stamp i.expires_at) AS expires_at,
    CASE WHEN i.status = 'pending' AND i.expires_at <= now() THEN 'expired' ELSE i.status END AS status,
    i.delivery, $(stamp i.accepted_at) AS accepted_at, $(stamp i.cancelled_at) AS cancelled_at
  FROM invitations i LEFT JOIN departments d ON d.id = i.department_id
  WHERE i.status <> 'superseded') AS r"

count() { python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
expected=$(pg_sql "$url" -c "SELECT count(*) FROM invitations WHERE status <> 'superseded'")
ours_count=$("$bin" --db "$url" list --status all --format json | count)
theirs_count=$(pg_sql "$url" -c "$query" | count)
[ "$ours_count" = "$expected" ] && [ "$theirs_count" = "$expected" ] ||
  { echo "row counts differ: invitectl $ours_count, psql $theirs_count, table $expected" >&2; exit 1; }
# The same values, field by field (teams: a list beside psql's comma-joined text).
"$bin" --db "$url" list --status all --format json > ours.json
pg_sql "$url" -c "$query" > theirs.json
python3 - ours.json theirs.json <<'PY'
import json, sys
ours, theirs = (json.load(open(f)) for f in sys.argv[1:3])
for a, b in zip(ours, theirs):
    a = dict(a, teams=",".join(a["teams"]) or None) if isinstance(a.get("teams"), list) else a
    for key in b:
        if a.get(key) != b[key]:
            sys.exit(f"invitation {b['id']}: {key} is {a.get(key)!r} in invitectl's list, {b[key]!r} in psql's")
PY

"$bin" --db "$url" list --status all --format json > /dev/null
pg_sql "$url" -c "$query" > /dev/null
ours=() theirs=()
for run in $(seq "$runs"); do
  quiet "list run $run"
  ours+=("$(elapsed_ms "$bin" --db "$url" list --status all --format json)")
  theirs+=("$(elapsed_ms pg_sql "$url" -c "$query")")
done
ours_ms=$(printf '%s\n' "${ours[@]}" | median)
theirs_ms=$(printf '%s\n' "${theirs[@]}" | median)

echo "rows listed:                     $ours_count (PostgreSQL $(pg_sql "$url" -c 'SHOW server_version' | cut -d' ' -f1), fsync=off, synchronous_commit=off; $runs runs each, alternating)"
echo "invitectl list --format json:    ${ours_ms} ms median (${ours[*]})"
echo "psql, json_agg of the same:      ${theirs_ms} ms median (${theirs[*]})"
r=$(ratio "$ours_ms" "$theirs_ms")
echo "ratio invitectl / psql:          ${r}x (goal: at most 2x: $(verdict "$r" LE 2)); run by run $(paired "${ours[*]}" "${theirs[*]}")x"
figure "list, PostgreSQL, $ours_count rows" "${ours_ms} ms" "${theirs_ms} ms psql json_agg" "$r" LE 2
loads_summary
