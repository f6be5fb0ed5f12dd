#!/bin/sh
# Back up the Närvaro database with pg_dump (custom format) and, with -check, restore the dump
# into a scratch database and verify it: every table's row count and the audit log's hash chain.
# See docs/security.md, "Backup and restore".
#
#   scripts/backup-restore.sh [-check] [DUMPFILE]
#
# DATABASE_URL names the database to back up (default: `narvaro db url`). The scratch database
# for -check is created next to it and dropped afterwards.
set -eu

check=0
if [ "${1:-}" = "-check" ]; then check=1; shift; fi
dump=${1:-narvaro-$(date +%Y-%m-%d-%H%M).dump}
url=${DATABASE_URL:-$(go run ./cmd/narvaro db url)}

pg_dump --format=custom --file="$dump" --dbname="$url"
echo "backup: $dump ($(wc -c <"$dump") bytes)"
[ "$check" = 1 ] || exit 0

scratch="narvaro_restore_check_$$"
base=${url%%\?*}
query=""
case "$url" in *\?*) query="?${url#*\?}" ;; esac
server="${base%/*}/postgres$query"
target="${base%/*}/$scratch$query"
psql -q -v ON_ERROR_STOP=1 -d "$server" -c "CREATE DATABASE \"$scratch\""
trap 'psql -q -d "$server" -c "DROP DATABASE IF EXISTS \"$scratch\" WITH (FORCE)"' EXIT
pg_restore --no-owner --exit-on-error --dbname="$target" "$dump"

count() { psql -At -d "$1" -c "SELECT string_agg(t || '=' || n, ' ' ORDER BY t) FROM (
  SELECT 'cases' t, count(*) n FROM cases UNION ALL SELECT 'documents', count(*) FROM documents
  UNION ALL SELECT 'audit_log', count(*) FROM audit_log UNION ALL SELECT 'students', count(*) FROM students) x"; }
before=$(count "$url"); after=$(count "$target")
echo "source:   $before"
echo "restored: $after"
bad=$(psql -At -d "$target" -c "SELECT count(*) FROM documents WHERE encode(sha256(pdf), 'hex') <> sha256")
[ "$bad" = 0 ] || { echo "restore check FAILED: $bad documents do not match their SHA-256"; exit 1; }
DATABASE_URL="$target" go run ./cmd/narvaro audit verify
[ "$before" = "$after" ] || { echo "restore check: counts differ (writes since the dump?)"; exit 1; }
echo "restore check: OK"
