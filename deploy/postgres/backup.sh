#!/usr/bin/env bash
# A PostgreSQL base backup (run nightly, e.g. `docker compose exec postgres /backup.sh` from cron). With the WAL archive
# that docker-compose.yml's PostgreSQL keeps (archive_command into /backup/wal), any moment since the oldest kept base
# backup can be restored (README, Backup and restore). Keeps KEEP_BASE_BACKUPS (7) base backups and the WAL they need.
set -euo pipefail
backups="${BACKUP_DIR:-/backup}" keep="${KEEP_BASE_BACKUPS:-7}"
target="$backups/base/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$backups/base" "$backups/wal"
pg_basebackup --username "${POSTGRES_USER:-attendance}" --pgdata "$target" --format tar --gzip --wal-method none --checkpoint fast --label nightly
echo "backup: $target"
# Older base backups beyond the kept number, and the WAL older than the oldest kept one, go.
mapfile -t old < <(ls -1d "$backups"/base/*/ | sort | head -n "-$keep")
for directory in "${old[@]}"; do rm -rf "$directory"; done
oldest="$(ls -1d "$backups"/base/*/ | sort | head -n 1)"
# The WAL segment the oldest kept backup starts from (its backup_label); every earlier archived segment can go.
first_wal="$(tar -xzOf "${oldest%/}/base.tar.gz" backup_label | sed -n 's/^START WAL LOCATION: .* (file \(.*\))$/\1/p')"
[ -n "$first_wal" ] && pg_archivecleanup "$backups/wal" "$first_wal"
echo "backup: $(ls -1d "$backups"/base/*/ | wc -l) base backups kept; WAL archived before $first_wal removed"
