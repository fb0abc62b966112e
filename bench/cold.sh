#!/usr/bin/env bash
# Cold start: `invitectl list --format json` on a 10-row database, beside
# `sqlite3 -json` selecting the same columns from the same file: what a
# command costs before it does any work (loading the binary, its libraries,
# its set-up). Each process is short (a few ms), so each contender runs many
# times, taking turns one by one (ours, sqlite3, ours, …) from one Python
# loop, and the medians are compared; the goal is at most 1.25x.
# Usage: bench/cold.sh [ROWS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
rows=${1:-10}
runs=${2:-300}
build
work=$(mktemp -d)
at_exit "rm -rf '$work'"
cd "$work"

"$bin" -q teams add ops
sqlite3 invitectl.db > /dev/null <<SQL
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO users (email, role, status, created_at)
SELECT 'user' || i || '@acme.example', 'editor', 'pending', '2026-11-25T00:00:00Z' FROM n;
INSERT INTO invitations (email, user_id, role, invited_by, token_hash, status, sent_at, expires_at, delivery)
SELECT email, id, role, 'it@acme.example', randomblob(32), 'pending',
       '2026-11-25T00:00:00Z', '2099-01-01T00:00:00Z', 'sent'
FROM users;
INSERT INTO invitation_teams SELECT id, 1 FROM invitations WHERE id % 2 = 0;
COMMIT;
SQL
query="SELECT i.id, i.email, i.role, d.name AS department,
  (SELECT group_concat(name, ',') FROM (SELECT t.name FROM invitation_teams it JOIN teams t ON t.id = it.team_id
     WHERE it.invitation_id = i.id ORDER BY t.name)) AS teams,
  i.invited_by, i.sent_at, i.expires_at, i.status, i.delivery, i.accepted_at, i.cancelled_at
FROM invitations i LEFT JOIN departments d ON d.id = i.department_id
WHERE i.status <> 'superseded' ORDER BY i.id"
[ "$("$bin" list --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = "$rows" ] ||
  { echo "bench: invitectl did not list $rows rows" >&2; exit 1; }

quiet "cold start"
read -r ours theirs < <(python3 - "$runs" "$bin" "$query" <<'PY'
import statistics, subprocess, sys, time
runs, binary, query = int(sys.argv[1]), sys.argv[2], sys.argv[3]
commands = [[binary, "list", "--format", "json"], ["sqlite3", "-json", "invitectl.db", query]]
times = [[], []]
for _ in range(10):  # warm the page cache and the dynamic loader's
    for command in commands:
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
for _ in range(runs):
    for i, command in enumerate(commands):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
        times[i].append((time.perf_counter() - start) * 1000)
print(f"{statistics.median(times[0]):.2f} {statistics.median(times[1]):.2f}")
PY
)
r=$(ratio "$ours" "$theirs")
echo "invitectl list --format json, $rows rows: ${ours} ms median of $runs"
echo "sqlite3 -json, the same columns:        ${theirs} ms median of $runs (taking turns)"
echo "ratio invitectl / sqlite3:              ${r}x (goal: at most 1.25x: $(verdict "$r" LE 1.25))"
echo "binary: $(stat -c %s "$bin") bytes; linked to: $(ldd "$bin" | awk '{print $1}' | paste -sd' ')"
figure "cold start: list, $rows rows" "$ours ms" "$theirs ms sqlite3 -json" "$r" LE 1.25
loads_summary
