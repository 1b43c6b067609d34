#!/usr/bin/env bash
# Runs the whole suite: lint, typecheck, unit+integration tests, e2e tests.
# Sets up what it needs first (pnpm, PostgreSQL, Redis, Chromium); see README.md.
set -euo pipefail
# shellcheck source=infra/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$TK_ROOT"

_tk_step="setup"
_tk_times=()
on_exit() {
  local rc=$?
  [ "$rc" -eq 0 ] && return 0
  local done_steps=""
  [ "${#_tk_times[@]}" -eq 0 ] || done_steps="; passed: $(printf '%s, ' "${_tk_times[@]}")"
  echo "==> test.sh: FAILED at ${_tk_step} (exit ${rc}) after ${SECONDS}s${done_steps%, }" >&2
}
trap on_exit EXIT

ensure_pnpm
ensure_postgres
ensure_redis
ensure_chromium
export DATABASE_URL REDIS_URL CHROMIUM_PATH
_tk_times+=("setup ${SECONDS}s")

step() { # step NAME -> pnpm NAME
  local t0=$SECONDS
  _tk_step="pnpm $1"
  tk_say "pnpm $1"
  pnpm "$1"
  _tk_times+=("$1 $((SECONDS - t0))s")
  tk_note "pnpm $1: passed in $((SECONDS - t0))s"
}
step lint
step typecheck
step test
step test:e2e

_tk_step="done"
summary="$(printf '%s, ' "${_tk_times[@]}")"
echo "==> test.sh: all steps passed in ${SECONDS}s (${summary%, })"
