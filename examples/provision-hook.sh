#!/bin/sh
# A provisioning hook for invitectl ([hooks] command, README "Hooks"): keeps
# a directory file in step with the active users, one line each, sorted,
# in the colon-separated style of /etc/passwd:
#
#   email:first and last name:role:department:team,team
#
# user.activated and user.reactivated add the user's line, user.changed
# rewrites it (or takes it away when the user is no longer active),
# user.deactivated removes it; user.invited and user.password_reset change
# nothing. Running an event twice leaves the file as running it once, as a
# hook must allow: an event is run again after a failure or a crash.
#
#   [hooks]
#   command = "/usr/local/bin/provision-hook.sh /var/lib/provision/directory.txt"
#
# POSIX sh, sed, sort and mv only; flock(1) is used where there is one, so
# two runs at once (serve-accept and a cron `invitectl hooks run`) take turns.
set -eu

file=${1:-/var/lib/provision/directory.txt}
# The event, one line of JSON (also in $INVITECTL_EVENT).
json=$(cat)

# The string value of "key" in the event (user fields are named once), JSON
# escapes undone; empty when it is null. A colon or line break would break
# the file's format, so each becomes a space.
field() {
  printf '%s\n' "$json" |
    sed -n 's/.*"'"$1"'":"\([^"\\]*\(\\.[^"\\]*\)*\)".*/\1/p' |
    sed 's/\\"/"/g; s/\\\//\//g; s/\\[nrt]/ /g; s/\\\\/\\/g; s/:/ /g'
}

event=$(field event)
email=$(field email)
status=$(field status)
[ -n "$email" ] || { echo "provision-hook: no user email in the event" >&2; exit 1; }

line() {
  teams=$(printf '%s\n' "$json" | sed -n 's/.*"teams":\[\([^]]*\)\].*/\1/p' | sed 's/"//g; s/:/ /g')
  name=$(printf '%s %s' "$(field first_name)" "$(field last_name)" | sed 's/^ *//; s/ *$//')
  printf '%s:%s:%s:%s:%s\n' "$email" "$name" "$(field role)" "$(field department)" "$teams"
}

case $event in
  user.activated | user.reactivated | user.changed)
    if [ "$status" = active ]; then action=put; else action=remove; fi ;;
  user.deactivated) action=remove ;;
  *) exit 0 ;;
esac

mkdir -p "$(dirname "$file")"
if command -v flock > /dev/null 2>&1; then
  exec 9> "$file.lock"
  flock 9
fi
[ -e "$file" ] || : > "$file"
tmp="$file.tmp.$$"
trap 'rm -f "$tmp"' EXIT
{
  # Every other user's line as it was; this user's, if kept, anew.
  while IFS= read -r kept; do
    case $kept in "$email":*) ;; *) printf '%s\n' "$kept" ;; esac
  done < "$file"
  if [ "$action" = put ]; then line; fi
} | sort > "$tmp"
mv "$tmp" "$file"
echo "provision-hook: $event $email: $action"
