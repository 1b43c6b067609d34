#!/usr/bin/env bash
# Tenant partition layout experiment (docs/adr/0001-tenant-partition-layout.md).
#
# Builds the chosen layout (tasks_pooled HASH x16 + tasks_dedicated LIST with one leaf per
# dedicated tenant, queried by name) and the rejected one (tasks_alt: LIST + hash-split
# DEFAULT) in a scratch database, for each configuration "<tenants>:<dedicated %>", and
# measures:
#   (a) planning time of the tenant query per access path (RLS role, force_custom_plan) and
#       first-touch latency in a fresh backend;
#   (b) pgbench tps/latency per access path (2 clients; uniform over all tenants and 10 hot);
#   (c) onboarding one dedicated tenant: time and locks, chosen vs rejected;
#   (d) lock-table use: per leaf batch, per cross-tenant read, per INSERT spanning leaves;
#   plus FK action triggers on projects, cascade delete, per-backend cache memory, the
#   parent-route penalty right after another session ATTACHes a leaf, insert cost per row.
#
# Usage:  infra/bench/partition-layout/run.sh
#         ~11-14 min with the defaults on a 2-core VM (679-834 s measured, PG15, load avg 3-7);
#         the 10,000-tenant / 50%-dedicated build is most of it (partition DDL is O(leaves)).
# Env:    CONFIGS="10:10 10:50 10000:10 10000:50"   (tenants:dedicated-percent, run in order;
#                 add 1000:10 1000:50 when time permits)
#         TASKS_PER_TENANT=100 PLAN_RUNS=300 TOUCH_RUNS=200 ONBOARD_RUNS=5
#         PGBENCH_SECONDS=10 per route, in PGBENCH_ROUNDS=2 interleaved runs
#         LEAF_BATCH=100 (leaves per DDL transaction) TENANT_BATCH=500 (tenants per load txn)
#         BUDGET_SECONDS=900: a configuration is skipped once this much time has passed.
#         LOCK_PROBES=0: probes that need more than half of the server-wide lock table are
#                 skipped (set 1 to run them: they can make OTHER sessions on the same server
#                 fail with "out of shared memory").
#         OUT_DIR=/tmp/tk-layout-bench-<ts>  PGHOST=127.0.0.1 PGPORT=5432 PGSUPERUSER=postgres
# Needs:  psql and pgbench (postgresql-client + postgresql-contrib); trust/.pgpass auth
#         for PGSUPERUSER and the bench role on PGHOST.
# Touches only the database tk_layout_bench and the role tk_layout_bench_app (both dropped at
# exit). Results go to $OUT_DIR (results.tsv, summary.txt, logs, plans), not into the repo.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432}
SUPERUSER=${PGSUPERUSER:-postgres}
DB=tk_layout_bench
APP_ROLE=tk_layout_bench_app
CONFIGS=${CONFIGS:-"10:10 10:50 10000:10 10000:50"}
TASKS=${TASKS_PER_TENANT:-100}
LEAF_BATCH=${LEAF_BATCH:-100}
TENANT_BATCH=${TENANT_BATCH:-500}
PGBENCH_SECONDS=${PGBENCH_SECONDS:-10}
PLAN_RUNS=${PLAN_RUNS:-300}
PLAN_WARMUP=20
TOUCH_RUNS=${TOUCH_RUNS:-200}
BUDGET_SECONDS=${BUDGET_SECONDS:-900}
LOCK_PROBES=${LOCK_PROBES:-0}
OUT=${OUT_DIR:-/tmp/tk-layout-bench-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
RESULTS=$OUT/results.tsv
: >"$RESULTS"
T_START=$(date +%s)

su_psql() { psql -X -q -v ON_ERROR_STOP=1 -U "$SUPERUSER" "$@"; }
su_db() { su_psql -d "$DB" "$@"; }
app_db() { psql -X -q -v ON_ERROR_STOP=1 -U "$APP_ROLE" -d "$DB" "$@"; }
elapsed() { echo $(($(date +%s) - T_START)); }
log() { printf '[%4ss] %s\n' "$(elapsed)" "$*" >&2; }
now_ns() { date +%s%N; }
secs_since() { awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }
record() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$RESULTS"; } # <config> <metric> <value>
# "mean median p95 n" of the numbers on stdin
stats() {
  sort -g | awk '{ v[NR] = $1; s += $1 }
    END { if (NR == 0) { print "NA NA NA 0"; exit }
          m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
          i = int(NR * 0.95 + 0.5); if (i < 1) i = 1
          printf "%.3f %.3f %.3f %d\n", s / NR, m, v[i], NR }'
}
# Machine load while measuring: this server may be shared with other workloads.
load_note() {
  echo "loadavg=$(cut -d' ' -f1 /proc/loadavg) other_active_backends=$(su_psql -d postgres -Atc \
    "select count(*) from pg_stat_activity where state = 'active' and backend_type = 'client backend'
       and coalesce(datname, '') <> '$DB' and pid <> pg_backend_pid()")"
}
# Run the given commands (each one string) concurrently; fail if any fails.
par() {
  local pids=() c rc=0
  for c in "$@"; do
    bash -c "$c" &
    pids+=($!)
  done
  for c in "${pids[@]}"; do wait "$c" || rc=1; done
  return $rc
}
export -f su_psql su_db now_ns secs_since record
export SUPERUSER DB RESULTS OUT TASKS LEAF_BATCH TENANT_BATCH

LOCK_SLOTS=$(su_psql -d postgres -Atc "select current_setting('max_locks_per_transaction')::int *
  (current_setting('max_connections')::int + current_setting('autovacuum_max_workers')::int + 1
   + current_setting('max_worker_processes')::int + current_setting('max_wal_senders')::int
   + current_setting('max_prepared_transactions')::int)")

# drop_leaves <name regex>: DROP TABLE in statements of LEAF_BATCH leaves (one txn each).
drop_leaves() {
  echo "select 'drop table ' || string_agg(quote_ident(relname), ', ')
        from (select relname, row_number() over (order by oid) / $LEAF_BATCH as b from pg_class
              where relkind in ('r', 'p') and relnamespace = 'public'::regnamespace and relname ~ '$1') s
        group by b \\gexec" | su_db >/dev/null
}
# analyze_leaves <0|1>: ANALYZE half of the dedicated leaves, one transaction per table.
analyze_leaves() {
  echo "select 'analyze ' || string_agg(quote_ident(relname), ', ')
        from (select relname, row_number() over (order by oid) as i from pg_class
              where relkind = 'r' and relnamespace = 'public'::regnamespace and relname ~ '^tasks_t_') s
        where i % 2 = $1 group by i / 200 \\gexec" | su_db >/dev/null
}
export -f drop_leaves analyze_leaves
# Drop the scratch database. Leaves go first, in batches: DROP DATABASE with tens of
# thousands of relations takes minutes and holds up every other DROP DATABASE on the server.
teardown() {
  if [ "$(su_psql -d postgres -Atc "select count(*) from pg_database where datname = '$DB'")" = 1 ]; then
    drop_leaves '^tasks_t_' || true
    su_psql -d postgres -c "drop database if exists $DB with (force)" >/dev/null
  fi
}
cleanup() {
  teardown 2>/dev/null || su_psql -d postgres -c "drop database if exists $DB with (force)" >/dev/null 2>&1 || true
  su_psql -d postgres -c "drop role if exists $APP_ROLE" >/dev/null 2>&1 || true
}
trap cleanup EXIT

command -v pgbench >/dev/null || { echo "pgbench missing: apt-get install -y postgresql-contrib" >&2; exit 1; }
cleanup
su_psql -d postgres -c "create role $APP_ROLE login nosuperuser nobypassrls" \
  -c "grant pg_read_all_stats to $APP_ROLE" # for pg_backend_memory_contexts only

{
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "host: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  su_psql -d postgres -Atc "select version()"
  su_psql -d postgres -Atc "select string_agg(name || '=' || setting || coalesce(unit, ''), ' ' order by name) from pg_settings
    where name in ('max_locks_per_transaction','max_connections','shared_buffers','jit','autovacuum','synchronous_commit')"
  echo "server-wide lock table: ~$LOCK_SLOTS slots (max_locks_per_transaction x (max_connections + workers + wal senders + prepared xacts))"
  echo "params: CONFIGS='$CONFIGS' TASKS_PER_TENANT=$TASKS LEAF_BATCH=$LEAF_BATCH TENANT_BATCH=$TENANT_BATCH PGBENCH_SECONDS=$PGBENCH_SECONDS PLAN_RUNS=$PLAN_RUNS TOUCH_RUNS=$TOUCH_RUNS"
  echo "at start: $(load_note)"
} | tee "$OUT/environment.txt" >&2

# ------------------------------------------------------------------------------ build
build_chosen_leaves() { # <cfg> <nbatches>: bulk leaves of tasks_dedicated, LEAF_BATCH per txn
  local t0 b
  t0=$(now_ns)
  for ((b = 0; b < $2; b++)); do
    su_db -At >"$OUT/$1-leafbatch-$b.txt" <<SQL
begin;
select count(*) from (select bench_bulk_dedicated_leaf(tenant_id) from (
  select tenant_id, row_number() over (order by n) - 1 as rn from bench_tenants where dedicated) s
  where rn / $LEAF_BATCH = $b) x;
select count(*) from pg_locks where pid = pg_backend_pid();
commit;
SQL
  done
  record "$1" build_s:dedicated_leaves "$(secs_since "$t0")"
}
build_alt_leaves() { # <cfg> <nbatches>
  local t0 b
  t0=$(now_ns)
  for ((b = 0; b < $2; b++)); do
    su_db -c "select count(*) from (select bench_bulk_alt_leaf(tenant_id) from (
                select tenant_id, row_number() over (order by n) - 1 as rn from bench_tenants where dedicated) s
              where rn / $LEAF_BATCH = $b) x" >/dev/null
  done
  record "$1" build_s:alt_leaves "$(secs_since "$t0")"
}
load_rows() { # <cfg> <chosen|alt> <ntenant_batches> <rows>
  local t0 b
  t0=$(now_ns)
  for ((b = 0; b < $3; b++)); do
    su_db -c "set session_replication_role = replica" -c "select bench_load_$2($b, $TASKS)" >/dev/null
  done
  record "$1" "build_s:load_$2" "$(secs_since "$t0") ($4 task rows)"
}
export -f build_chosen_leaves build_alt_leaves load_rows

build() { # <n> <share%> <cfg>
  local n=$1 share=$2 cfg=$3 t0 ndedicated nleafbatches ntenantbatches
  su_psql -d postgres -c "create database $DB"
  su_psql -d postgres -c "alter role $APP_ROLE in database $DB set plan_cache_mode = force_custom_plan"
  su_db -v app_role="$APP_ROLE" -f "$HERE/schema.sql" >/dev/null
  # Every (100/share)-th tenant is dedicated, so dedicated tenants spread over the batches.
  su_db -c "insert into bench_tenants (n, tenant_id, dedicated, batch)
            select g, bench_tenant_id(g), g % (100 / $share) = 0, (g - 1) / $TENANT_BATCH
            from generate_series(1, $n) g"
  ndedicated=$(su_db -Atc "select count(*) from bench_tenants where dedicated")
  record "$cfg" dedicated_leaves "$ndedicated"
  nleafbatches=$(((ndedicated + LEAF_BATCH - 1) / LEAF_BATCH))
  ntenantbatches=$(((n + TENANT_BATCH - 1) / TENANT_BATCH))

  # The two layouts have separate parents, so they are built concurrently (the alternative's
  # bulk partitions are storage-less shells, see schema.sql). Partition DDL is
  # O(existing partitions) per leaf (each ATTACH/CREATE .. PARTITION OF invalidates and
  # rebuilds the parent's partition descriptor), so this is the slow part at 5,000 leaves.
  par "build_chosen_leaves $cfg $nleafbatches && load_rows $cfg chosen $ntenantbatches $((n * TASKS))" \
      "build_alt_leaves $cfg $nleafbatches && su_db -c 'select bench_alt_create_default()' >/dev/null &&
       load_rows $cfg alt $ntenantbatches $(((n - ndedicated) * TASKS))"
  [ "$nleafbatches" -gt 0 ] && record "$cfg" locks_held_by_one_leaf_batch_txn \
    "$(tail -n1 "$OUT/$cfg-leafbatch-0.txt") relation+object locks for $(head -n1 "$OUT/$cfg-leafbatch-0.txt") new leaves (server-wide table ~$LOCK_SLOTS)"
  rm -f "$OUT/$cfg"-leafbatch-*.txt

  su_db <<SQL
insert into bench_pick_pooled (i, tenant_id, project_id)
  select row_number() over (order by p.tenant_id, p.id), p.tenant_id, p.id
  from projects p join bench_tenants t using (tenant_id) where not t.dedicated;
insert into bench_pick_dedicated (i, tenant_id, project_id, leaf)
  select row_number() over (order by p.tenant_id, p.id), p.tenant_id, p.id, tk_dedicated_leaf_name(p.tenant_id)
  from projects p join bench_tenants t using (tenant_id) where t.dedicated;
SQL
  # Statistics + hint bits. VACUUM only for the few big tables; the small dedicated leaves
  # get ANALYZE (reads every row, sets hint bits), one transaction per table, 2 sessions.
  t0=$(now_ns)
  su_db -c "vacuum (analyze) projects, tasks_pooled, tasks_alt_default, bench_tenants, bench_pick_pooled, bench_pick_dedicated"
  par "analyze_leaves 0" "analyze_leaves 1"
  su_db -c "checkpoint"
  record "$cfg" build_s:analyze_checkpoint "$(secs_since "$t0")"
  record "$cfg" db_size "$(su_db -Atc "select pg_size_pretty(pg_database_size(current_database()))
    || ', ' || count(*) || ' relations' from pg_class where relnamespace in ('public'::regnamespace, 'pg_toast'::regnamespace)")"
}

# ------------------------------------------------------------------------------ (a) planning
# plan_cases <cfg> <label relation tenant project>... : one session as the RLS role with
# plan_cache_mode = force_custom_plan, one prepared statement per case, cases interleaved
# round-robin (so load bursts from other work hit every case alike); each run is its own
# transaction: begin; set_config; EXPLAIN (ANALYZE, SUMMARY) EXECUTE; commit. Every EXECUTE
# builds a custom plan and "Planning Time" covers it (GetCachedPlan).
plan_cases() {
  local cfg=$1 f="$OUT/$1-plan" k i n
  shift
  local -a label rel tenant project
  while [ $# -gt 0 ]; do
    label+=("$1") rel+=("$2") tenant+=("$3") project+=("$4")
    shift 4
  done
  n=${#label[@]}
  {
    echo "show plan_cache_mode;"
    for ((i = 0; i < n; i++)); do
      echo "prepare q$i(uuid, uuid) as select * from ${rel[i]} where tenant_id = \$1 and project_id = \$2 order by id limit 50;"
    done
    for ((k = 0; k < PLAN_WARMUP + PLAN_RUNS; k++)); do
      for ((i = 0; i < n; i++)); do
        echo "begin; select set_config('app.tenant_id', '${tenant[i]}', true); explain (analyze, summary) execute q$i('${tenant[i]}', '${project[i]}'); commit;"
      done
    done
    for ((i = 0; i < n; i++)); do
      echo "begin; select set_config('app.tenant_id', '${tenant[i]}', true); explain (analyze, costs off, summary) execute q$i('${tenant[i]}', '${project[i]}'); commit;"
    done
  } >"$f.sql"
  app_db -At -f "$f.sql" >"$f.out"
  grep -q '^force_custom_plan$' "$f.out" || { echo "plan_cache_mode not applied" >&2; exit 1; }
  for ((i = 0; i < n; i++)); do
    # the final (costs off) plans, in case order, for the record
    awk -v want="$i" -v n="$n" -v total="$((PLAN_WARMUP + PLAN_RUNS))" '
      /^Limit/ { c++ } c > total * n && c - total * n - 1 == want { print }' "$f.out" >"$f.${label[i]}.plan.txt"
    grep -q 'rows=25 ' "$f.${label[i]}.plan.txt" || { echo "unexpected plan for ${label[i]}:" >&2; cat "$f.${label[i]}.plan.txt" >&2; exit 1; }
    for what in Planning Execution; do
      record "$cfg" "$(echo "$what" | cut -c1-4 | tr A-Z a-z)_ms:${label[i]}" "$(grep "^$what Time" "$f.out" |
        awk -v want="$i" -v n="$n" -v w="$PLAN_WARMUP" -v total="$((PLAN_WARMUP + PLAN_RUNS))" \
          '{ r = int((NR - 1) / n); if ((NR - 1) % n == want && r >= w && r < total) print $3 }' | stats)"
    done
  done
  rm -f "$f.sql" "$f.out"
}

# touch_case <cfg> <label> <relation|LEAF> <pick table>
# Fresh backend, TOUCH_RUNS transactions over distinct random tenants (begin + set_config +
# query pipelined in one message, like packages/db withTenant; client-side time): the first
# pays for the backend's empty caches (e.g. a parent's partition descriptor), the others for
# first use of each tenant's leaf in this backend.
touch_case() {
  local cfg=$1 label=$2 rel=$3 pick=$4 f="$OUT/$1-touch-$2" leafcol="'-'"
  [ "$pick" = bench_pick_dedicated ] && leafcol=leaf
  {
    echo '\timing on'
    echo '\o /dev/null'
    su_db -At -F ' ' -c "select setseed(0.42)" -c "select tenant_id, project_id, leaf from (
        select distinct on (tenant_id) tenant_id, project_id, $leafcol as leaf from $pick order by tenant_id, i) s
        order by random() limit $TOUCH_RUNS" |
      grep -v '^$' | while read -r t p leaf; do
        r=$rel
        [ "$rel" = LEAF ] && r=$leaf
        echo "begin \\; select set_config('app.tenant_id', '$t', true) \\; select * from $r where tenant_id = '$t' and project_id = '$p' order by id limit 50;"
        echo "commit;"
      done
  } >"$f.sql"
  app_db -f "$f.sql" | grep '^Time:' | awk 'NR % 2 == 1 {print $2}' >"$f.times"
  record "$cfg" "first_query_fresh_backend_ms:$label" "$(head -n1 "$f.times")"
  record "$cfg" "first_touch_per_tenant_ms:$label" "$(tail -n +2 "$f.times" | stats)"
  rm -f "$f.sql" "$f.times"
}

measure_planning() {
  local cfg=$1 pt pp dt dp dleaf ptleaf altleaf
  record "$cfg" load_during_planning "$(load_note)"
  read -r pt pp < <(su_db -At -F ' ' -c "select tenant_id, project_id from bench_pick_pooled order by i limit 1")
  read -r dt dp dleaf < <(su_db -At -F ' ' -c "select tenant_id, project_id, leaf from bench_pick_dedicated order by i limit 1")
  ptleaf=$(su_db -Atc "select tableoid::regclass from tasks_pooled where tenant_id = '$pt' limit 1")
  altleaf=$(su_db -Atc "select tableoid::regclass from tasks_alt where tenant_id = '$pt' limit 1")
  plan_cases "$cfg" \
    chosen_pooled_via_tasks_pooled tasks_pooled "$pt" "$pp" \
    chosen_pooled_on_its_hash_leaf "$ptleaf" "$pt" "$pp" \
    chosen_dedicated_on_own_leaf "$dleaf" "$dt" "$dp" \
    chosen_dedicated_via_tasks_dedicated tasks_dedicated "$dt" "$dp" \
    alt_pooled_via_list_parent tasks_alt "$pt" "$pp" \
    alt_pooled_via_default tasks_alt_default "$pt" "$pp" \
    alt_pooled_on_default_hash_leaf "$altleaf" "$pt" "$pp"
  touch_case "$cfg" chosen_pooled_via_tasks_pooled tasks_pooled bench_pick_pooled
  touch_case "$cfg" chosen_dedicated_on_own_leaf LEAF bench_pick_dedicated
  touch_case "$cfg" chosen_dedicated_via_tasks_dedicated tasks_dedicated bench_pick_dedicated
  touch_case "$cfg" alt_pooled_via_list_parent tasks_alt bench_pick_pooled
}

# ------------------------------------------------------------------------------ (b) pgbench
# Routes "label|script|mode|npicks". Each gets PGBENCH_SECONDS in total, split into
# PGBENCH_ROUNDS runs, and the rounds are interleaved across routes (A B C .. A B C ..) so a
# burst of unrelated load on the machine hits every route alike. 2 clients, 2 threads, fresh
# connections per run.
PGBENCH_ROUNDS=${PGBENCH_ROUNDS:-2}
measure_pgbench() {
  local cfg=$1 first=$2 np nd spec round label script mode npicks log secs
  np=$(su_db -Atc "select count(*) from bench_pick_pooled")
  nd=$(su_db -Atc "select count(*) from bench_pick_dedicated")
  local -a routes=(
    "chosen_pooled_via_tasks_pooled:extended|pgbench-pooled-parent-extended.sql|extended|$np"
    "chosen_dedicated_on_own_leaf:simple|pgbench-dedicated-leaf-simple.sql|simple|$nd"
    "chosen_dedicated_via_tasks_dedicated:simple|pgbench-dedicated-parent-simple.sql|simple|$nd"
    "alt_pooled_via_list_parent:extended|pgbench-alt-pooled-parent-extended.sql|extended|$np")
  [ "$first" = 1 ] && routes+=("chosen_pooled_via_tasks_pooled:simple|pgbench-pooled-parent-simple.sql|simple|$np")
  # The same routes with 10 hot tenants (first 40 picks): warm caches, small working set, so
  # any difference to the uniform runs is first-touch / cache-miss cost, not planning.
  if [ "$np" -gt 40 ]; then
    routes+=("chosen_pooled_via_tasks_pooled:extended:hot10|pgbench-pooled-parent-extended.sql|extended|40")
  fi
  if [ "$nd" -gt 40 ]; then
    routes+=("chosen_dedicated_on_own_leaf:simple:hot10|pgbench-dedicated-leaf-simple.sql|simple|40"
      "chosen_dedicated_via_tasks_dedicated:simple:hot10|pgbench-dedicated-parent-simple.sql|simple|40")
  fi
  secs=$(((PGBENCH_SECONDS + PGBENCH_ROUNDS - 1) / PGBENCH_ROUNDS))
  record "$cfg" load_during_pgbench "$(load_note)"
  for ((round = 1; round <= PGBENCH_ROUNDS; round++)); do
    for spec in "${routes[@]}"; do
      IFS='|' read -r label script mode npicks <<<"$spec"
      log="$OUT/$cfg-pgbench-$label.r$round.log"
      pgbench -n -U "$APP_ROLE" -M "$mode" -c 2 -j 2 -T "$secs" -P 1 -r -D npicks="$npicks" \
        -f "$HERE/$script" "$DB" >"$log" 2>&1 || { tail -n 20 "$log" >&2; exit 1; }
      grep -q 'number of failed transactions: 0 ' "$log" || { echo "pgbench failures in $log" >&2; exit 1; }
    done
  done
  for spec in "${routes[@]}"; do
    IFS='|' read -r label script mode npicks <<<"$spec"
    # tps over all rounds; latency and SELECT latency weighted by transactions; tps per round
    record "$cfg" "pgbench:$label" "$(awk '
      /^number of transactions actually processed/ { n = $NF; tx += n }
      /^tps = / { tps[++r] = sprintf("%.0f", $3); t += n / $3 }
      /^latency average/ { lat += n * $4 }
      /ORDER BY id LIMIT 50/ { sel += n * $1 }
      END { printf "tps=%.0f lat_ms=%.3f select_ms=%.3f rounds:", tx / t, lat / tx, sel / tx
            for (i = 1; i <= r; i++) printf " %s", tps[i] }' "$OUT/$cfg-pgbench-$label".r*.log)"
  done
}

# ------------------------------------------------------------------------------ (c) onboarding
# Relation locks held by this backend; leaf-specific names collapsed, catalogs left out.
LOCKS_SQL="select string_agg(rel || ':' || mode || case when cnt > 1 then ' x' || cnt else '' end, ', ' order by rel, mode)
  from (select case when c.oid is null then 'oid ' || l.relation
                    when c.relnamespace = 'pg_toast'::regnamespace then '<toast>'
                    when c.relname ~ '^tasks_(alt_)?t_' then '<leaf>'
                    else c.relname end as rel, l.mode, count(*) as cnt
        from pg_locks l left join pg_class c on c.oid = l.relation
        where l.pid = pg_backend_pid() and l.locktype = 'relation'
          and coalesce(c.relnamespace, 0) <> 'pg_catalog'::regnamespace
        group by 1, 2) s"

# Onboarding variants: label=function. Each gets one call in its own fresh session (cold
# backend), then ONBOARD_RUNS rounds in one session with the variants interleaved (warm), then
# one call whose locks are listed before commit. Autocommit: each call is the whole
# onboarding transaction.
ONBOARD_RUNS=${ONBOARD_RUNS:-5}
measure_onboarding() {
  local cfg=$1 i k t
  local -a labels=(chosen_standalone_then_attach chosen_variant_fk_before_attach alt_create_partition_of_with_default)
  local -a fns=(tk_create_dedicated_leaf tk_create_dedicated_leaf_fk_first tk_create_alt_leaf)
  record "$cfg" load_during_onboarding "$(load_note)"
  local -a cold
  for i in 0 1 2; do
    cold[i]=$(printf '\\timing on\n\\o /dev/null\nselect %s(bench_tenant_id(%d));\n' "${fns[i]}" $((900000 + i * 100)) |
      su_db -f - | grep '^Time:' | awk '{print $2}')
  done
  local warm
  warm=$({
    echo '\timing on'
    echo '\o /dev/null'
    for ((k = 1; k <= ONBOARD_RUNS; k++)); do
      for i in 0 1 2; do echo "select ${fns[i]}(bench_tenant_id($((900000 + i * 100 + k))));"; done
    done
  } | su_db -f - | grep '^Time:' | awk '{print $2}')
  for i in 0 1 2; do
    t=$(echo "$warm" | awk -v i="$i" '(NR - 1) % 3 == i' | stats | awk '{print $1 "/" $2}')
    record "$cfg" "onboard_ms:${labels[i]}" "cold_backend=${cold[i]} warm=$t (mean/median of $ONBOARD_RUNS)"
    record "$cfg" "onboard_locks:${labels[i]}" "$(su_db -At <<SQL
begin;
select ${fns[i]}(bench_tenant_id($((900000 + i * 100 + 99)))) \\g /dev/null
$LOCKS_SQL;
commit;
SQL
)"
  done
}

# ------------------------------------------------------------------------------ (d) + extras
# try_txn <sql without trailing semicolon> [setup sql]: run in a rolled-back transaction;
# "ok <ms> ms, <n> relation locks held" or the error.
try_txn() {
  local out
  if out=$(su_db -At 2>&1 <<SQL
begin;
${2:-}
\\timing on
$1 \\g /dev/null
\\timing off
select 'locks=' || count(*) from pg_locks where pid = pg_backend_pid() and locktype = 'relation';
rollback;
SQL
  ); then
    echo "ok $(echo "$out" | grep -m1 '^Time:' | awk '{print $2}') ms, $(echo "$out" | grep '^locks=' | cut -d= -f2) relation locks held"
  else
    echo "FAILED: $(echo "$out" | grep -E 'ERROR|HINT' | tr '\n' ' ')"
  fi
}
# probe <cfg> <metric> <estimated locks> <sql>: only if it needs < half the lock table.
probe() {
  if [ "$3" -lt $((LOCK_SLOTS / 2)) ] || [ "$LOCK_PROBES" = 1 ]; then
    record "$1" "$2" "$(try_txn "$4")"
  else
    record "$1" "$2" "skipped: needs ~$3 locks, server-wide table ~$LOCK_SLOTS (LOCK_PROBES=1 runs it)"
  fi
}

measure_extras() {
  local cfg=$1 dt dp dleaf nded
  nded=$(su_db -Atc "select count(*) from bench_tenants where dedicated")
  read -r dt dp dleaf < <(su_db -At -F ' ' -c "select tenant_id, project_id, leaf from bench_pick_dedicated order by i limit 1")
  record "$cfg" projects_triggers "$(su_db -Atc "select count(*) || ' (' || count(*) filter (where tgname like 'RI_ConstraintTrigger_a%') || ' FK action triggers)' from pg_trigger where tgrelid = 'projects'::regclass")"
  record "$cfg" cascade_delete_one_project_fresh_backend "$(try_txn "delete from projects where tenant_id = '$dt' and id = '$dp'")"
  # Insert cost per row for pooled tenants (FK triggers off on both sides to isolate routing
  # and partition-constraint checks): tasks_pooled vs the alternative's LIST parent + DEFAULT.
  local reps
  reps=$(su_db -Atc "select greatest(1, 5000 / count(*)) from bench_tenants where not dedicated and n <= 1000")
  local ins="insert into %s (tenant_id, id, project_id, title)
      select t.tenant_id, gen_random_uuid(), bench_project_id(t.n, 1), 'x' from bench_tenants t, generate_series(1, $reps) k
      where not t.dedicated and t.n <= 1000"
  local nrows rep a b best_a= best_b=
  nrows=$(su_db -Atc "select $reps * count(*) from bench_tenants where not dedicated and n <= 1000")
  for rep in 1 2 3; do # alternated, best of 3 (least disturbed by other load)
    # shellcheck disable=SC2059
    a=$(try_txn "$(printf "$ins" tasks_pooled)" "set local session_replication_role = replica;" | awk '{print $2}')
    # shellcheck disable=SC2059
    b=$(try_txn "$(printf "$ins" tasks_alt)" "set local session_replication_role = replica;" | awk '{print $2}')
    best_a=$(printf '%s\n' "$a" ${best_a:+"$best_a"} | sort -g | head -n1)
    best_b=$(printf '%s\n' "$b" ${best_b:+"$best_b"} | sort -g | head -n1)
  done
  record "$cfg" insert_pooled_rows_us_per_row "tasks_pooled=$(awk -v t="$best_a" -v n="$nrows" 'BEGIN{printf "%.1f", t*1000/n}') alt_list_parent=$(awk -v t="$best_b" -v n="$nrows" 'BEGIN{printf "%.1f", t*1000/n}') (best of 3, $nrows rows, FK triggers off)"
  # (d) lock-table use: every leaf + its indexes is locked by these.
  probe "$cfg" one_insert_spanning_all_dedicated_leaves $((nded + 20)) "insert into tasks_dedicated (tenant_id, id, project_id, title)
      select t.tenant_id, gen_random_uuid(), bench_project_id(t.n, 1), 'x' from bench_tenants t where t.dedicated"
  probe "$cfg" cross_tenant_count_via_tasks_dedicated $((nded * 3 + 20)) "select count(*) from tasks_dedicated"
  record "$cfg" cross_tenant_count_via_tasks_pooled "$(try_txn "select count(*) from tasks_pooled")"

  # Parent route vs leaf route right after ANOTHER session attached a leaf (relcache
  # invalidation of the parent in every backend).
  local q="begin \\; select set_config('app.tenant_id', '$dt', true) \\; select * from %s where tenant_id = '$dt' and project_id = '$dp' order by id limit 50;\ncommit;\n"
  local times
  # shellcheck disable=SC2059
  times=$({
    echo '\timing on'
    echo '\o /dev/null'
    for _ in 1 2 3; do printf "$q" tasks_dedicated; done
    for _ in 1 2 3; do printf "$q" "$dleaf"; done
    echo "\\! psql -X -q -U $SUPERUSER -d $DB -c 'select tk_create_dedicated_leaf(bench_tenant_id(900300))' >/dev/null"
    printf "$q" tasks_dedicated
    printf "$q" "$dleaf"
    printf "$q" tasks_dedicated
  } | app_db -f - | grep '^Time:' | awk 'NR % 2 == 1 {print $2}' | tr '\n' ' ')
  read -r p1 p2 p3 l1 l2 l3 pa la pw <<<"$times"
  record "$cfg" query_ms_after_other_session_attached_a_leaf "via tasks_dedicated: $pa (warm before: $p3, after: $pw); own leaf: $la (warm before: $l3)"

  # Per-backend cache memory: touch 10 leaves by name (fixed overhead), then K - 10 more,
  # then one query through tasks_dedicated (its partition descriptor).
  local k
  k=$(su_db -Atc "select least(1000, count(*)) from bench_tenants where dedicated")
  if [ "$k" -lt 50 ]; then
    record "$cfg" backend_memory_kb "n/a (only $k dedicated leaves)"
    return
  fi
  local touch='do $$
declare r record;
begin
  for r in select distinct on (tenant_id) tenant_id, project_id, leaf from bench_pick_dedicated order by tenant_id, i offset %d limit %d loop
    perform set_config($q$app.tenant_id$q$, r.tenant_id::text, true);
    execute format($q$select count(*) from (select * from %%I where tenant_id = $1 and project_id = $2 order by id limit 50) s$q$, r.leaf)
      using r.tenant_id, r.project_id;
  end loop;
end $$;'
  # shellcheck disable=SC2059
  record "$cfg" backend_memory_kb "$({
    echo "select sum(total_bytes) as m0 from pg_backend_memory_contexts \\gset"
    printf "$touch\n" 0 10
    echo "select sum(total_bytes) as m1 from pg_backend_memory_contexts \\gset"
    printf "$touch\n" 10 $((k - 10))
    echo "select sum(total_bytes) as m2 from pg_backend_memory_contexts \\gset"
    echo "begin;"
    echo "select set_config('app.tenant_id', '$dt', true) \\g /dev/null"
    echo "select count(*) from tasks_dedicated where tenant_id = '$dt' \\g /dev/null"
    echo "commit;"
    echo "select sum(total_bytes) as m3 from pg_backend_memory_contexts \\gset"
    echo "select 'fresh backend ' || (:m0 / 1024)::int || ' kB, ' || (:m1 / 1024)::int || ' kB after 10 leaves; +'
       || ((:m2 - :m1) / 1024)::int || ' kB for $((k - 10)) more leaves by name ('
       || round((:m2 - :m1) / 1024.0 / $((k - 10)), 1) || ' kB/leaf); +' || ((:m3 - :m2) / 1024)::int
       || ' kB after one query through tasks_dedicated';"
  } | app_db -At)"
}

# ------------------------------------------------------------------------------ main
first=1
for c in $CONFIGS; do
  n=${c%%:*}
  share=${c##*:}
  cfg="n${n}-ded${share}"
  if [ "$(elapsed)" -ge "$BUDGET_SECONDS" ]; then
    log "skip $cfg: time budget (${BUDGET_SECONDS}s) used"
    record "$cfg" skipped "time budget ${BUDGET_SECONDS}s used after $(elapsed)s"
    continue
  fi
  log "build $cfg"
  build "$n" "$share" "$cfg"
  log "planning $cfg"
  measure_planning "$cfg"
  log "pgbench $cfg"
  measure_pgbench "$cfg" "$first"
  log "onboarding $cfg"
  measure_onboarding "$cfg"
  log "extras $cfg"
  measure_extras "$cfg"
  log "teardown $cfg"
  t0=$(now_ns)
  teardown
  record "$cfg" teardown_s "$(secs_since "$t0")"
  first=0
done
if [ "$LOCK_PROBES" = 1 ]; then
  # One transaction creating 5,000 leaves (what LEAF_BATCH avoids). Exhausts the lock table.
  su_psql -d postgres -c "create database $DB" -c "alter role $APP_ROLE in database $DB set plan_cache_mode = force_custom_plan"
  su_db -v app_role="$APP_ROLE" -f "$HERE/schema.sql" >/dev/null
  t0=$(now_ns)
  record lock-probe one_txn_creating_5000_leaves \
    "$(try_txn "select count(tk_create_dedicated_leaf(bench_tenant_id(2000000 + g))) from generate_series(1, 5000) g") after $(secs_since "$t0") s"
  teardown
fi

# ------------------------------------------------------------------------------ summary
{
  cat "$OUT/environment.txt"
  echo
  echo "plan_ms / exec_ms / first_touch_per_tenant_ms: mean median p95 samples"
  awk -F'\t' '{ printf "%-13s %-58s %s\n", $1, $2, $3 }' "$RESULTS"
  echo
  echo "total runtime: $(elapsed) s"
} | tee "$OUT/summary.txt"
log "results in $OUT"
