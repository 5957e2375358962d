#!/usr/bin/env bash
# Back up Ponte: the database (pg_dump custom format) and the stored files (a tar of MEDIA_ROOT).
#   deploy/backup.sh [DESTINATION]     (default: ./backups/<UTC timestamp>)
# Reads DATABASE_URL (postgres://…) and MEDIA_ROOT from the environment. With the files in an
# S3 bucket (PONTE_STORAGE_BACKEND=s3) the tar is skipped: back the bucket up with its own tools
# (versioning, or `aws s3 sync s3://bucket DESTINATION/media`), at the same time as the database.
# The dump is consistent by itself (one snapshot); run it while Ponte runs.
set -euo pipefail
: "${DATABASE_URL:?DATABASE_URL must be set (postgres://user:pass@host:5432/ponte)}"
destination="${1:-backups/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$destination"
umask 077  # the dump holds personal data and the accounts' password hashes

pg_dump --format=custom --no-owner --no-privileges --file="$destination/database.dump" "$DATABASE_URL"

if [ "${PONTE_STORAGE_BACKEND:-local}" = "local" ] && [ -z "${AWS_STORAGE_BUCKET_NAME:-}" ]; then
  media="${MEDIA_ROOT:-var/media}"
  if [ -d "$media" ]; then
    tar --create --gzip --file="$destination/media.tar.gz" --directory="$media" .
  else
    echo "no media folder at $media: nothing to archive" >&2
  fi
else
  echo "files are in a bucket: back it up with the storage's own tools" >&2
fi
(cd "$destination" && sha256sum -- * > SHA256SUMS)
echo "$destination"
