#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into a FRESH, empty database and media folder.
#   deploy/restore.sh BACKUP_DIRECTORY
# DATABASE_URL names the database to restore into (create it first: `createdb -O ponte ponte`);
# MEDIA_ROOT the folder the files go to. Stop the web and the worker first; start them after.
set -euo pipefail
backup="${1:?usage: restore.sh BACKUP_DIRECTORY}"
: "${DATABASE_URL:?DATABASE_URL must be set (the new, empty database)}"
(cd "$backup" && sha256sum --check --quiet SHA256SUMS)

# --exit-on-error: a restore that fails half-way stops instead of leaving a partial database.
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$DATABASE_URL" \
  "$backup/database.dump"

if [ -f "$backup/media.tar.gz" ]; then
  media="${MEDIA_ROOT:-var/media}"
  mkdir -p "$media"
  tar --extract --gzip --file="$backup/media.tar.gz" --directory="$media"
fi
echo "restored $backup"
