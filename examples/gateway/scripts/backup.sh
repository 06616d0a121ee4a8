#!/usr/bin/env bash
# Dumps the PostgreSQL database to $BACKUP_DIR and removes dumps older than
# $RETENTION_DAYS. Run it from cron or the `backup` compose profile:
#   docker compose -f docker-compose.production.yml run --rm backup
#
# Environment (libpq variables, as psql uses them):
#   PGHOST, PGPORT, PGUSER, PGDATABASE   where to connect (PGDATABASE is required)
#   PGPASSWORD or PGPASSWORD_FILE         the password (the file form suits Docker secrets)
#   BACKUP_DIR                            where dumps go            (default /backups)
#   RETENTION_DAYS                        how long dumps are kept   (default 7)
#   PG_DUMP, PG_RESTORE                   program paths             (default from PATH)
#
# Output: $BACKUP_DIR/<database>-<UTC timestamp>.dump (pg_dump custom format)
# plus a .sha256 beside it. A dump is written under a temporary name and only
# renamed once pg_dump succeeded and pg_restore can read it back, so a failed
# run never leaves a file that looks like a backup.
set -euo pipefail
umask 077

: "${PGDATABASE:?PGDATABASE must name the database to back up}"
BACKUP_DIR="${BACKUP_DIR:-/backups}"
RETENTION_DAYS="${RETENTION_DAYS:-7}"
PG_DUMP="${PG_DUMP:-pg_dump}"
PG_RESTORE="${PG_RESTORE:-pg_restore}"

if ! [[ "$RETENTION_DAYS" =~ ^[1-9][0-9]*$ ]]; then
  echo "backup: RETENTION_DAYS must be a positive integer, got '$RETENTION_DAYS'" >&2
  exit 2
fi
if [[ -z "${PGPASSWORD:-}" && -n "${PGPASSWORD_FILE:-}" ]]; then
  PGPASSWORD="$(<"$PGPASSWORD_FILE")"
  export PGPASSWORD
fi

mkdir -p "$BACKUP_DIR"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
final="$BACKUP_DIR/$PGDATABASE-$stamp.dump"
partial="$final.partial"
trap 'rm -f "$partial"' EXIT

"$PG_DUMP" --format=custom --compress=6 --no-owner --no-privileges --file="$partial"
"$PG_RESTORE" --list "$partial" >/dev/null
mv "$partial" "$final"
(cd "$BACKUP_DIR" && sha256sum "$(basename "$final")" >"$(basename "$final").sha256")
echo "backup: wrote $final ($(wc -c <"$final") bytes)"

# Retention: minutes, not find's rounded -mtime days.
find "$BACKUP_DIR" -maxdepth 1 -type f \
  \( -name "$PGDATABASE-*.dump" -o -name "$PGDATABASE-*.dump.sha256" \) \
  -mmin +$((RETENTION_DAYS * 24 * 60)) -print -delete |
  sed 's/^/backup: pruned /'
