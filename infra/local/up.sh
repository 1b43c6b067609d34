#!/usr/bin/env bash
# Sets up and runs the platform: pnpm + deps, PostgreSQL, Redis, migrations,
# seed data, then the API in the foreground. See README.md.
set -euo pipefail
# shellcheck source=infra/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$TK_ROOT"

ensure_pnpm
ensure_postgres
ensure_redis
export DATABASE_URL REDIS_URL

tk_say "pnpm db:migrate"
pnpm db:migrate
tk_say "pnpm db:seed"
pnpm db:seed

port="${PORT:-3000}"
cat >&2 <<MSG
==> starting the API (Ctrl-C stops it); open:
    http://acme.tenantkit.localhost:${port}/docs      API reference (Acme, dedicated tier)
    http://acme.tenantkit.localhost:${port}/login     sign in: owner@acme.test / rocket-skates-on-the-mesa
    http://globex.tenantkit.localhost:${port}/login   sign in: owner@globex.test / hammock-district-survey
    http://globex.tenantkit.localhost:${port}/v1/projects   (after signing in on globex)
    http://localhost:${port}/healthz
MSG
exec pnpm api
