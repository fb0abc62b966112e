#!/bin/sh
# A provisioning hook for invitectl ([hooks] command, README "Hooks"): keeps
# an LDIF file (RFC 2849) in step with the active users, one inetOrgPerson
# entry each, sorted by email, ready for ldapadd or slapadd:
#
#   version: 1
#
#   dn: mail=ann@acme.example,ou=people,dc=acme,dc=example
#   objectClass: top
#   objectClass: person
#   objectClass: organizationalPerson
#   objectClass: inetOrgPerson
#   mail: ann@acme.example
#   cn: Ann Lee
#   givenName: Ann
#   sn: Lee
#   employeeType: admin
#   departmentNumber: Engineering
#   ou: ops
#
# cn is the first and last name, sn the last name (the email when there is
# none: inetOrgPerson requires sn and cn), employeeType the role,
# departmentNumber the department (when there is one) and one ou, the
# organizationalUnitName that inetOrgPerson has from organizationalPerson,
# per team. A value that is not an LDIF SAFE-STRING (non-ASCII like "Müller",
# a leading space, colon or "<", a trailing space) is written base64-encoded
# as "attr:: …"; in the DN the email's ,+"\<>;= and a leading # are escaped
# as RFC 4514 says, and the dn line itself is base64-encoded when it is not
# safe. Lines are not folded.
#
# user.activated and user.reactivated put the user's entry, user.changed and
# user.synced (`invitectl hooks sync`, to fill a new file) put it anew (or
# take it away when the user is no longer active),
# user.deactivated takes it away; user.invited, user.password_reset and
# invitation.renewal_requested
# change nothing. Running an event twice leaves the file as running it once,
# as a hook must allow: an event is run again after a failure or a crash.
#
#   [hooks]
#   command = "/usr/local/bin/provision-hook.sh /var/lib/provision/people.ldif ou=people,dc=acme,dc=example"
#
# The arguments are the file (default /var/lib/provision/people.ldif) and the
# base DN the entries go under (default ou=people,dc=acme,dc=example). Each
# entry is also kept in a file of its own in a directory next to the file
# (people.ldif.d/<email>.ldif, with "/" and "%" in the email written %2F
# and %25); the LDIF file is written anew from them on every event, to a
# temporary file renamed over it, so a reader never sees half a file.
#
# Load it into a new, empty directory with
#
#   ldapadd -x -D cn=admin,dc=acme,dc=example -W -f /var/lib/provision/people.ldif
#
# (the base entry ou=people,… must exist), or, with slapd stopped, build a
# database from it with "slapadd -l /var/lib/provision/people.ldif". An
# address with non-ASCII characters is written as is (base64-encoded), though
# the mail attribute of most directory schemas takes ASCII only.
#
# POSIX sh, sed, sort, base64, ls, xargs, cat and mv only; flock(1) is used
# where there is one, so two runs at once (serve-accept and a cron
# `invitectl hooks run`) take turns.
set -eu
LC_ALL=C
export LC_ALL

file=${1:-/var/lib/provision/people.ldif}
base=${2:-ou=people,dc=acme,dc=example}
dir=$file.d
# The event, one line of JSON (also in $INVITECTL_EVENT).
json=$(cat)

# JSON string escapes undone: \" \\ \/ as themselves; \n, \t and the other
# control characters (never in a name, team or address) each as a space.
# An escaped backslash is set aside as a byte JSON never holds raw first.
soh=$(printf '\001')
unescape() {
  sed 's/\\\\/'"$soh"'/g; s/\\"/"/g; s/\\\//\//g; s/\\[bfnrt]/ /g; s/\\u[0-9A-Fa-f]\{4\}/ /g; s/'"$soh"'/\\/g'
}

# A JSON string, escapes included: quote, then runs of other characters
# or escape pairs, then quote.
string='"\([^"\\]*\(\\.[^"\\]*\)*\)"'

# The string value of "key" in the event (user fields are named once);
# empty when it is null.
field() {
  printf '%s\n' "$json" | sed -n 's/.*"'"$1"'":'"$string"'.*/\1/p' | unescape
}

# The user's teams, one a line.
teams() {
  rest=$(printf '%s\n' "$json" | sed -n 's/.*"teams":\[//p')
  while :; do
    case $rest in \"*) ;; *) break ;; esac
    printf '%s\n' "$rest" | sed 's/^'"$string"'.*/\1/' | unescape
    rest=$(printf '%s\n' "$rest" | sed 's/^'"$string"',\{0,1\}//')
  done
}

event=$(field event)
email=$(field email)
status=$(field status)
[ -n "$email" ] || { echo "provision-hook: no user email in the event" >&2; exit 1; }

# One attribute line, "name: value", or "name:: base64" when the value is
# not a SAFE-STRING; nothing when the value is empty.
attr() {
  case $2 in
    '') ;;
    *[!\ -~]* | [\ :\<]* | *\ )
      printf '%s:: %s\n' "$1" "$(printf '%s' "$2" | base64 | tr -d '\n')" ;;
    *) printf '%s: %s\n' "$1" "$2" ;;
  esac
}

# The user's entry, after the blank line that separates it from the one before.
entry() {
  first=$(field first_name)
  last=$(field last_name)
  name=$(printf '%s %s' "$first" "$last" | sed 's/^ *//; s/ *$//')
  rdn=$(printf '%s\n' "$email" | sed 's/[,+"\\<>;=]/\\&/g; s/^#/\\#/')
  echo
  attr dn "mail=$rdn,$base"
  printf 'objectClass: %s\n' top person organizationalPerson inetOrgPerson
  attr mail "$email"
  attr cn "${name:-$email}"
  attr givenName "$first"
  attr sn "${last:-$email}"
  attr employeeType "$(field role)"
  attr departmentNumber "$(field department)"
  # LDAP compares ou without case: one value per team whatever its case.
  teams | sort -f -u | while IFS= read -r team; do attr ou "$team"; done
}

case $event in
  user.activated | user.reactivated | user.changed | user.synced)
    if [ "$status" = active ]; then action=put; else action=remove; fi ;;
  user.deactivated) action=remove ;;
  *) exit 0 ;;
esac

mkdir -p "$dir"
if command -v flock > /dev/null 2>&1; then
  exec 9> "$file.lock"
  flock 9
fi
kept="$dir/$(printf '%s\n' "$email" | sed 's/%/%25/g; s/\//%2F/g').ldif"
tmp="$dir/.tmp.$$"
trap 'rm -f "$tmp" "$file.tmp.$$"' EXIT
if [ "$action" = put ]; then
  entry > "$tmp"
  mv "$tmp" "$kept"
else
  rm -f "$kept"
fi

# The file anew: every kept entry, in the order of the emails' bytes (each
# name paired with its email for sort, then the entries read by one cat per
# few thousand, every byte of a name backslash-escaped for xargs).
(
  echo "version: 1"
  cd "$dir"
  ls -A | sed -n 's/\.ldif$//p' | sed 'h; s/%2F/\//g; s/%25/%/g; G; s/\n/ /' | sort |
    sed 's/^[^ ]* //; s/./\\&/g; s/$/.ldif/' | xargs cat
) > "$file.tmp.$$"
mv "$file.tmp.$$" "$file"
echo "provision-hook: $event $email: $action"
