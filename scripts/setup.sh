#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine. Safe to run again.
# Rust itself (cargo, rustc) is expected to be installed already.
set -euo pipefail

# libfaketime: preloaded to move the clock for expiry tests; sqlite3: tests read and lock
# the database beside invitectl, and the list benchmark;
# systemd, nginx-light, openssl: check the files in deploy/ (nginx also runs).
# chromium, chromium-driver: the end-to-end test in a real browser.
# npm: installs axe-core (tests/axe/package-lock.json), which the
# accessibility test injects into the pages in that browser.
# caddy: `caddy validate` checks deploy/Caddyfile-protected-app (forward_auth).
# curl: the HTTP/2 requests through the shipped TLS blocks of nginx and Caddy.
# msmtp: a real sendmail for the sendmail transport test.
# procps: `kill -TERM` for the clean-shutdown test.
# util-linux, mount, bsdutils: runuser (another local user), unshare and mount
# (a full disk in a private namespace), script (a pseudo-terminal).
# postgresql: initdb, pg_ctl and the server (in /usr/lib/postgresql/N/bin) for
# the throwaway clusters of scripts/postgres-cluster.sh, which the second,
# PostgreSQL pass of scripts/test.sh runs on; postgresql-client: psql and
# pg_dump, with which the tests read that database as they read SQLite's.
# iproute2: `ip`, which gives the fake PostgreSQL server of tests/postgres.rs a
# private, not loopback, address in a network namespace of its own (unshare -n).
# python3, python3-aiosmtpd: the real SMTP server the mail tests run on
# 127.0.0.1 (from Debian: its Python refuses a system-wide pip install).
# spamassassin: scores each language's invitation (tests/spam.rs), local
# rules only. fonts-ipafont-gothic: Japanese glyphs, so that the browser
# draws the Japanese pages the accessibility test checks and photographs.
debian_packages=(spamassassin fonts-ipafont-gothic libfaketime python3 python3-aiosmtpd sqlite3 systemd nginx-light openssl caddy chromium chromium-driver msmtp procps
  util-linux mount bsdutils postgresql postgresql-client iproute2 curl)
# npm may come from elsewhere than Debian (NodeSource, nvm): any npm on PATH will do.
command -v npm >/dev/null || debian_packages+=(npm)

missing=()
for package in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# A python3 ahead of Debian's on PATH (pyenv, a venv), or $PYTHON, which the
# tests run too, needs aiosmtpd of its own.
python=${PYTHON:-python3}
if ! "$python" -c "import aiosmtpd" 2>/dev/null; then
  echo "setup: installing aiosmtpd for $python" >&2
  "$python" -m pip install --quiet --disable-pip-version-check aiosmtpd
fi

# axe-core, exactly the version the lockfile pins, for tests/accessibility.rs.
# Skipped when that version is already in place, so a rerun needs no network.
axe_dir=tests/axe
wanted=$(node -p 'require("./tests/axe/package-lock.json").packages["node_modules/axe-core"].version')
installed=$(node -p 'try { require("./tests/axe/node_modules/axe-core/package.json").version } catch { "" }')
if [ -z "$installed" ] || [ "$wanted" != "$installed" ]; then
  echo "setup: installing axe-core $wanted in $axe_dir (npm ci)" >&2
  (cd "$axe_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
