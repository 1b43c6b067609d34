#!/usr/bin/env bash
# bash infra/local/services.sh start|stop|env
#   start: find or start PostgreSQL and Redis (as up.sh does), print their URLs
#   env:   same, printed as `export` lines: eval "$(bash infra/local/services.sh env)"
#   stop:  stop this checkout's project-local PostgreSQL/Redis (.data/); never the default servers
set -euo pipefail
# shellcheck source=infra/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$TK_ROOT"

case "${1:-}" in
  start | env)
    ensure_postgres
    ensure_redis
    if [ "$1" = env ]; then
      printf 'export DATABASE_URL=%q REDIS_URL=%q\n' "$DATABASE_URL" "$REDIS_URL"
    else
      printf 'DATABASE_URL=%s\nREDIS_URL=%s\n' "$DATABASE_URL" "$REDIS_URL"
    fi
    ;;
  stop) tk_stop_local ;;
  *)
    echo "usage: bash infra/local/services.sh start|stop|env" >&2
    exit 2
    ;;
esac
