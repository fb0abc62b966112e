#!/usr/bin/env bash
# `plan` of a big people file against a directory of the same size.
#  ROWS users (default 100,000) are invited (file transport), exported, and a
#  tenth of the rows changed; then `plan` of the file is timed and its peak
#  memory taken, beside a floor in the same run: sqlite3 reading the same
#  users rows (with their department and teams) into nothing.
# Goal: seconds, and under 150 MB.
# Usage: bench/people.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
rows=${1:-100000}
build
work=$(mktemp -d)
at_exit "rm -rf '$work'"
cd "$work"
printf '[mail]\ntransport = "file"\nfile_dir = "outbox"\n' > invitectl.toml
"$bin" -q teams add ops
python3 -c "
print('email,role,department,teams')
for i in range($rows):
    print(f'p{i}@acme.example,viewer,,ops')" > invite.csv
"$bin" -q invite --from-file invite.csv --role viewer > /dev/null
"$bin" -q users export > export.csv
python3 - <<'PY'
import csv
rows = list(csv.reader(open("export.csv")))
for n, row in enumerate(rows[1:]):
    if n % 10 == 0:
        row[3] = "editor"
csv.writer(open("people.csv", "w", newline="")).writerows(rows)
PY
measure() { /usr/bin/time -f '%e %M' "$@" > /dev/null 2> time.out || { cat time.out; exit 1; }; tail -1 time.out; }
quiet "plan"
read -r plan_s plan_kb < <(measure "$bin" -q plan people.csv --format json)
read -r floor_s floor_kb < <(measure sqlite3 invitectl.db "
  SELECT u.email, u.first_name, u.last_name, u.role, d.name,
         (SELECT group_concat(t.name, ';') FROM user_teams ut JOIN teams t ON t.id = ut.team_id
           WHERE ut.user_id = u.id)
  FROM users u LEFT JOIN departments d ON d.id = u.department_id")
echo "plan of $rows rows (10 % changed): ${plan_s} s, peak $((plan_kb / 1024)) MB (goal: seconds, under 150 MB: $([ "$plan_kb" -lt 153600 ] && echo met || echo MISSED))"
echo "floor, sqlite3 reading the same rows: ${floor_s} s, peak $((floor_kb / 1024)) MB"
figure_under "plan of $rows people, memory" "$((plan_kb / 1024))" MiB "$((floor_kb / 1024)) MiB sqlite3 reading them" "$((floor_kb / 1024))" 150
