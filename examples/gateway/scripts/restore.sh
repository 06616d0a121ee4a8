#!/usr/bin/env bash
# Restores a dump written by backup.sh into $PGDATABASE, replacing the objects
# it contains, in one transaction: a failed restore leaves the database as it was.
#
#   scripts/restore.sh --yes /backups/portcullis-20260101T000000Z.dump
#   scripts/restore.sh --yes latest        # the newest dump in $BACKUP_DIR
#
# Same environment as backup.sh (PGHOST, PGPORT, PGUSER, PGDATABASE,
# PGPASSWORD or PGPASSWORD_FILE, BACKUP_DIR, PG_RESTORE). Without --yes it
# only says what it would do. The .sha256 beside the dump is checked first.
set -euo pipefail

confirmed=no
if [[ "${1:-}" == "--yes" ]]; then
  confirmed=yes
  shift
fi
dump="${1:-}"
: "${PGDATABASE:?PGDATABASE must name the database to restore into}"
BACKUP_DIR="${BACKUP_DIR:-/backups}"
PG_RESTORE="${PG_RESTORE:-pg_restore}"

if [[ -z "$dump" ]]; then
  echo "usage: restore.sh [--yes] <dump file | latest>" >&2
  exit 2
fi
if [[ "$dump" == "latest" ]]; then
  dump="$(find "$BACKUP_DIR" -maxdepth 1 -type f -name "$PGDATABASE-*.dump" | sort | tail -n 1)"
  if [[ -z "$dump" ]]; then
    echo "restore: no dump of $PGDATABASE in $BACKUP_DIR" >&2
    exit 1
  fi
fi
if [[ ! -f "$dump" ]]; then
  echo "restore: $dump does not exist" >&2
  exit 1
fi
if [[ -f "$dump.sha256" ]]; then
  if ! (cd "$(dirname "$dump")" && sha256sum --check --status "$(basename "$dump").sha256"); then
    echo "restore: checksum of $dump does not match $dump.sha256; refusing to restore" >&2
    exit 1
  fi
else
  echo "restore: warning: no $dump.sha256, cannot check the dump's integrity" >&2
fi
if [[ "$confirmed" != "yes" ]]; then
  echo "restore: would replace the contents of database '$PGDATABASE' with $dump; run again with --yes" >&2
  exit 3
fi
if [[ -z "${PGPASSWORD:-}" && -n "${PGPASSWORD_FILE:-}" ]]; then
  PGPASSWORD="$(<"$PGPASSWORD_FILE")"
  export PGPASSWORD
fi

"$PG_RESTORE" --dbname="$PGDATABASE" --clean --if-exists --no-owner --no-privileges \
  --single-transaction --exit-on-error "$dump"
echo "restore: restored $dump into $PGDATABASE"
