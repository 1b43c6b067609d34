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
ensure_domain_servers
export DATABASE_URL REDIS_URL CHROMIUM_PATH
_tk_times+=("setup ${SECONDS}s")

step() { # step NAME [ARGS...] -> pnpm NAME ARGS...
  local t0=$SECONDS name=$1
  _tk_step="pnpm $name"
  tk_say "pnpm $name"
  pnpm "$@"
  _tk_times+=("$name $((SECONDS - t0))s")
  tk_note "pnpm $name: passed in $((SECONDS - t0))s"
}
# vitest also writes JSON results, so the run can end with one plain count line.
results="$TK_DATA/test-results"
rm -rf "$results" && mkdir -p "$results"
step lint
step typecheck
export TK_TEST_RESULTS="$results"
step test
step test:e2e

_tk_step="done"
node -e '
  let passed = 0, failed = 0, skipped = 0;
  for (const file of process.argv.slice(1)) {
    const r = JSON.parse(require("fs").readFileSync(file, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + r.numTodoTests;
  }
  console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$results/unit.json" "$results/e2e.json"
summary="$(printf '%s, ' "${_tk_times[@]}")"
echo "==> test.sh: all steps passed in ${SECONDS}s (${summary%, })"
