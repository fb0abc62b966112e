#!/usr/bin/env bash
# Peak memory (maximum resident set, /usr/bin/time -v) of a huge batch, in
# every output mode, beside the floor measured in the same run: the same
# binary inviting one address the same way (what any run costs: the binary,
# SQLite, the runtime). Goal: under 150 MiB whatever the size of the batch.
#  1. `invite --from-file --dry-run` of DRY rows (default 1,000,000): the
#     table (more than 1,000 rows: the problems and a count per outcome),
#     `-q`, JSON and CSV, each to /dev/null.
#  2. The real import of IMPORT rows (default 1,000,000) over SMTP to
#     postfix's smtp-sink, `-q`, table (set IMPORT=0 to skip it: a million
#     messages take minutes). IMPORT_FORMATS="table json" runs more formats.
#   BASELINE_BIN=/path/to/an/older/invitectl  the same runs with that binary
#     too, for a before/after in one run.
# Usage: [BASELINE_BIN=…] bench/memory.sh [DRY] [IMPORT]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
dry_rows=${1:-1000000}
import_rows=${2:-1000000}
import_formats=${IMPORT_FORMATS:-table}
goal_mib=150

if [ "$import_rows" -gt 0 ] && ! command -v smtp-sink > /dev/null && [ ! -x /usr/sbin/smtp-sink ]; then
  echo "bench: installing postfix for smtp-sink" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postfix > /dev/null
fi
export PATH="$PATH:/usr/sbin"

build
baseline
work=$(mktemp -d)
at_exit "rm -rf '$work'"
cd "$work"

csv() {
  python3 -c "
print('email,role,department,teams')
for i in range($1):
    print(f'$2{i}@acme.example,viewer,,')"
}
csv "$dry_rows" dry > dry.csv
csv 1 one > one.csv

# peak DIR BINARY ARGS...: runs `BINARY ARGS` in DIR (stdout to /dev/null);
# prints "MiB seconds" (peak resident set, wall time).
peak() {
  local dir=$1 out
  shift
  out=$(cd "$dir" && /usr/bin/time -f '%M %e' "$@" 2>&1 > /dev/null | tail -1)
  awk '{ printf "%d %s", $1 / 1024, $2 }' <<< "$out"
}

# report NAME MIB SECONDS FLOOR_MIB
report() {
  printf '%-34s peak %5d MiB in %7.1f s   floor %3d MiB   ratio %5.1fx   goal under %d MiB: %s\n' \
    "$1" "$2" "$3" "$4" "$(ratio "$2" "$4")" "$goal_mib" "$(verdict "$2" LE "$goal_mib")"
  figure_under "$1" "$2" MiB "$4 MiB one row, same way" "$4" "$goal_mib"
}

binaries=("$bin")
[ -z "$base" ] || binaries+=("$base")
for binary in "${binaries[@]}"; do
  label=""; [ "$binary" = "$bin" ] || label=" (baseline)"
  mkdir -p dry && rm -f dry/invitectl.db*
  quiet "dry runs$label"
  read -r floor _ <<< "$(peak dry "$binary" -q invite --from-file ../one.csv --dry-run)"
  for mode in table quiet json csv; do
    case $mode in
      table) args=(invite --from-file ../dry.csv --dry-run) ;;
      quiet) args=(-q invite --from-file ../dry.csv --dry-run) ;;
      *) args=(invite --from-file ../dry.csv --dry-run --format "$mode") ;;
    esac
    quiet "dry run, $mode$label"
    read -r mib seconds <<< "$(peak dry "$binary" "${args[@]}")"
    report "dry run $dry_rows, $mode$label" "$mib" "$seconds" "$floor"
  done
done

if [ "$import_rows" -gt 0 ]; then
  port=$(free_port)
  smtp-sink -u nobody "127.0.0.1:$port" 1000 &
  at_exit "kill $! 2> /dev/null"
  sleep 0.5
  csv "$import_rows" user > import.csv
  config="[organization]
name = \"Acme Corp\"
[mail]
from = \"Acme IT <it@acme.example>\"
[smtp]
host = \"127.0.0.1\"
port = $port
security = \"none\""
  for binary in "${binaries[@]}"; do
    label=""; [ "$binary" = "$bin" ] || label=" (baseline)"
    for format in $import_formats; do
      rm -rf real && mkdir real && echo "$config" > real/invitectl.toml
      read -r floor _ <<< "$(peak real "$binary" -q invite --from-file ../one.csv --format "$format")"
      rm -f real/invitectl.db*
      quiet "import, $format$label"
      read -r mib seconds <<< "$(peak real "$binary" -q invite --from-file ../import.csv --format "$format")"
      sent=$(sqlite3 real/invitectl.db "SELECT count(*) FROM invitations WHERE delivery = 'sent'" 2> /dev/null || echo "?")
      [ "$sent" = "?" ] || [ "$sent" -eq "$import_rows" ] || echo "bench: $sent of $import_rows delivered" >&2
      report "import $import_rows over SMTP, $format$label" "$mib" "$seconds" "$floor"
    done
  done
fi
loads_summary
