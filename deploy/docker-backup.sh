#!/bin/sh
# Nightly backup for the Docker path: the database (SQLite online backup, consistent while
# the bot runs) and the admins' edits made in Telegram (BOT_OVERLAY, /data/overlay.yaml),
# into backups/ in the data volume; copies older than 14 days are deleted.
# From cron, e.g. /etc/cron.d/lao-migration-bot:
#   15 3 * * * root /opt/lao-migration-bot/deploy/docker-backup.sh
# Copy the files off the server encrypted (deploy/README.md, "Backups").
set -eu
cd "$(dirname "$0")"
if docker compose version >/dev/null 2>&1; then
    compose="docker compose"
else
    compose="docker-compose"
fi
day=$(date +%F)
$compose exec -T bot sh -c "
    set -e
    mkdir -p /data/backups
    python -m bot backup /data/backups/bot-$day.sqlite3
    overlay=\${BOT_OVERLAY:-/data/overlay.yaml}
    if [ -f \"\$overlay\" ]; then
        cp \"\$overlay\" /data/backups/overlay-$day.yaml
    fi
    find /data/backups -name 'bot-*.sqlite3' -mtime +14 -delete
    find /data/backups -name 'overlay-*.yaml' -mtime +14 -delete
"
