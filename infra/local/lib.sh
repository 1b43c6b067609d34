# shellcheck shell=bash
# Shared helpers for infra/local/*.sh. Source it from a script that runs with
# `set -euo pipefail`; every ensure_* function is idempotent and prints short
# `==> ...` progress lines on stderr. See infra/local/README.md.

# root's tools (runuser, useradd) live in sbin, which a minimal PATH may lack
if [ "$(id -u)" -eq 0 ]; then
  case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH="$PATH:/usr/sbin:/sbin" ;; esac
fi

TK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
TK_DATA="$TK_ROOT/.data" # git-ignored
TK_PG_PORT="${TENANTKIT_PG_PORT:-55432}"
TK_REDIS_PORT="${TENANTKIT_REDIS_PORT:-56379}"

# ---------------------------------------------------------------- output ----

tk_say() { printf '==> %s\n' "$*" >&2; }
tk_note() { printf '    %s\n' "$*" >&2; }
tk_warn() { printf '==> WARNING: %s\n' "$*" >&2; }
tk_die() {
  printf '==> ERROR: %s\n' "$1" >&2
  shift
  local line
  for line in "$@"; do printf '    %s\n' "$line" >&2; done
  exit 1
}
tk_is_root() { [ "$(id -u)" -eq 0 ]; }
tk_now_ms() { date +%s%3N; }
tk_since() { # tk_since START_MS -> "1.23s"
  local d=$(($(tk_now_ms) - $1))
  printf '%d.%02ds' $((d / 1000)) $((d % 1000 / 10))
}
# Hide the password of a URL in messages.
tk_redact() { printf '%s' "$1" | sed -E 's#(://[^:/@]*):[^@/]*@#\1:***@#'; }
# Is something listening on 127.0.0.1:PORT? (bash's /dev/tcp; no tools needed)
tk_port_open() { (exec 3<>"/dev/tcp/${2:-127.0.0.1}/$1") 2>/dev/null; }
tk_logfile() { mkdir -p "$TK_DATA/logs" && printf '%s/logs/%s.log' "$TK_DATA" "$1"; }
# Run "$@" with output sent to a log; on failure show the log's tail.
tk_logged() {
  local log
  log="$(tk_logfile "$1")"
  shift
  local rc=0
  "$@" >"$log" 2>&1 || rc=$?
  [ "$rc" -eq 0 ] && return 0
  tail -n 40 "$log" | sed 's/^/    | /' >&2
  tk_note "(full log: ${log#"$TK_ROOT"/})"
  return "$rc"
}

# ------------------------------------------------------------------- apt ----

# tk_apt_install PKG... : root only; runs `apt-get update` once per run.
tk_apt_install() {
  tk_is_root && command -v apt-get >/dev/null 2>&1 || return 1
  export DEBIAN_FRONTEND=noninteractive
  local t0
  if [ "${_TK_APT_UPDATED:-}" != 1 ]; then
    t0=$(tk_now_ms)
    tk_say "apt-get update"
    if tk_logged apt-update apt-get -o DPkg::Lock::Timeout=300 update; then
      tk_note "done in $(tk_since "$t0")"
    else
      tk_warn "apt-get update failed; trying the install with the package lists as they are"
    fi
    export _TK_APT_UPDATED=1
  fi
  t0=$(tk_now_ms)
  tk_say "apt-get install $* (may take a while)"
  tk_logged apt-install apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "$@" || return 1
  tk_note "installed in $(tk_since "$t0")"
  hash -r
}

# ------------------------------------------------------------------ pnpm ----

tk_pnpm_wanted() {
  node -e '
    const pm = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).packageManager ?? "";
    const m = /^pnpm@([0-9][^+]*)/.exec(pm);
    if (!m) process.exit(1);
    console.log(m[1]);' "$TK_ROOT/package.json"
}
# Version of the pnpm on PATH, asked outside the repo so that no
# packageManager-based version switching kicks in.
tk_pnpm_have() { (cd / && pnpm --version 2>/dev/null | tail -n 1) || true; }

# ensure_pnpm: the exact pnpm of package.json's packageManager, then `pnpm install`.
ensure_pnpm() {
  local t0 want have prefix
  t0=$(tk_now_ms)
  want="$(tk_pnpm_wanted)" || tk_die "package.json has no \"packageManager\": \"pnpm@X.Y.Z\""
  have="$(tk_pnpm_have)"
  if [ "$have" != "$want" ] && [ -x "$TK_DATA/bin/pnpm" ]; then # shim of an earlier run
    export PATH="$TK_DATA/bin:$PATH"
    hash -r
    have="$(tk_pnpm_have)"
  fi
  if [ "$have" != "$want" ]; then
    prefix="$(npm prefix -g 2>/dev/null || true)"
    if tk_is_root || { [ -n "$prefix" ] && [ -w "$prefix/lib/node_modules" ] && [ -w "$prefix/bin" ]; }; then
      tk_say "installing pnpm@$want (npm install -g; found: ${have:-none})"
      tk_logged npm-install-pnpm npm install -g --no-audit --no-fund "pnpm@$want" ||
        tk_die "npm install -g pnpm@$want failed"
      hash -r
      if [ "$(tk_pnpm_have)" != "$want" ] && [ -n "$prefix" ]; then
        export PATH="$prefix/bin:$PATH" # an older pnpm shadows the new one
        hash -r
      fi
    else
      # Not root and npm's global prefix is read-only: pnpm through npx, as a
      # PATH shim in .data/bin (a shell function would not reach the `pnpm`
      # calls inside package.json scripts). The shim runs the npx-cached pnpm
      # directly (npx itself costs seconds per call), else falls back to npx.
      tk_say "using pnpm@$want through npx (not root; found: ${have:-none})"
      local npx_pnpm
      npx_pnpm="$(npm_config_update_notifier=false npx --yes --prefer-offline -p "pnpm@$want" -c 'command -v pnpm' </dev/null)" ||
        tk_die "npx -y pnpm@$want failed"
      mkdir -p "$TK_DATA/bin"
      cat >"$TK_DATA/bin/pnpm" <<EOF
#!/bin/sh
[ -x '$npx_pnpm' ] && exec '$npx_pnpm' "\$@"
npm_config_update_notifier=false exec npx --yes --prefer-offline pnpm@$want "\$@"
EOF
      chmod +x "$TK_DATA/bin/pnpm"
      export PATH="$TK_DATA/bin:$PATH"
      hash -r
    fi
    have="$(tk_pnpm_have)"
    [ "$have" = "$want" ] || tk_die "pnpm --version says '${have:-nothing}', expected $want"
  fi

  local args=(install)
  [ "${CI:-}" = true ] && args+=(--frozen-lockfile)
  [ -t 0 ] || args+=(--config.confirmModulesPurge=false) # never wait for a prompt
  tk_say "pnpm $want: pnpm ${args[*]}"
  (cd "$TK_ROOT" && tk_logged pnpm-install pnpm "${args[@]}") || tk_die "pnpm ${args[*]} failed (see above)"
  tk_note "done in $(tk_since "$t0")"
}

# -------------------------------------------------------------- postgres ----

# Checks a server: prints "<server_version_num> <t|f>" where t means the role
# may create roles and databases; returns non-zero and sets _TK_PG_ERR when it
# cannot connect.
_TK_PG_SQL="select current_setting('server_version_num'), coalesce((select rolsuper or (rolcreaterole and rolcreatedb) from pg_roles where rolname = current_user), false)"
_TK_PG_BINDIR=""

_tk_pg_psql() {
  if command -v psql >/dev/null 2>&1; then
    command -v psql
  elif [ -n "$_TK_PG_BINDIR" ] && [ -x "$_TK_PG_BINDIR/psql" ]; then
    printf '%s' "$_TK_PG_BINDIR/psql"
  else
    return 1
  fi
}

# A directory from which `import('postgres')` resolves (installed by pnpm).
_tk_pg_node_dir() {
  local d
  for d in "$TK_ROOT/packages/db" "$TK_ROOT/apps/api" "$TK_ROOT"; do
    [ -e "$d/node_modules/postgres/package.json" ] && { printf '%s' "$d"; return 0; }
  done
  for d in "$TK_ROOT"/node_modules/.pnpm/postgres@*; do
    [ -e "$d/node_modules/postgres/package.json" ] && { printf '%s' "$d"; return 0; }
  done
  return 1
}

_tk_pg_query() { # URL -> stdout "ver t|f"; stderr: error text
  local url=$1 psql dir
  if psql="$(_tk_pg_psql)"; then
    PGCONNECT_TIMEOUT=5 "$psql" -w -X -q -A -t -F ' ' -d "$url" -c "$_TK_PG_SQL" </dev/null
  elif dir="$(_tk_pg_node_dir)"; then
    # shellcheck disable=SC2016 # JavaScript, not shell
    (cd "$dir" && TK_URL="$url" TK_SQL="$_TK_PG_SQL" node --input-type=module -e '
      import postgres from "postgres";
      const sql = postgres(process.env.TK_URL, { max: 1, connect_timeout: 5, idle_timeout: 1, onnotice: () => {} });
      try {
        const [row] = await sql.unsafe(process.env.TK_SQL).values();
        console.log(`${row[0]} ${row[1] ? "t" : "f"}`);
      } catch (e) {
        console.error(e.message);
        process.exitCode = 1;
      } finally {
        await sql.end({ timeout: 1 });
      }' </dev/null)
  else
    printf 'cannot check: no psql on PATH and the "postgres" npm package is not installed (run pnpm install)\n' >&2
    return 2
  fi
}

_tk_url_with_db() { # URL DB -> same URL with the database path replaced
  local re='^([A-Za-z][A-Za-z0-9+.-]*://[^/?#]*)(/[^?#]*)?(\?[^#]*)?$'
  [[ $1 =~ $re ]] || return 1
  printf '%s/%s%s' "${BASH_REMATCH[1]}" "$2" "${BASH_REMATCH[3]}"
}

# _tk_pg_probe URL: connect to URL's database, or - if that database does not
# exist yet (the migrate step creates it) - to the `postgres` database on the
# same server. Sets _TK_PG_VER/_TK_PG_CREATE, or _TK_PG_ERR on failure.
_tk_pg_probe() {
  local url=$1 out err
  _TK_PG_VER="" _TK_PG_CREATE="" _TK_PG_ERR=""
  err="$(mktemp)"
  if ! out="$(_tk_pg_query "$url" 2>"$err")"; then
    if grep -q 'does not exist' "$err" && out="$(_tk_pg_query "$(_tk_url_with_db "$url" postgres)" 2>"$err")"; then
      :
    else
      _TK_PG_ERR="$(head -n 1 "$err" | sed -E 's/^psql: error: //; s/[[:space:]]+/ /g; s/ $//')"
      rm -f "$err"
      [ -n "$_TK_PG_ERR" ] || _TK_PG_ERR="no answer"
      return 1
    fi
  fi
  rm -f "$err"
  read -r _TK_PG_VER _TK_PG_CREATE <<<"$out"
  [[ $_TK_PG_VER =~ ^[0-9]+$ ]] || { _TK_PG_ERR="unexpected answer: $out"; return 1; }
}
_tk_pg_suitable() { [ "$_TK_PG_VER" -ge 150000 ] && [ "$_TK_PG_CREATE" = t ]; }
_tk_pg_why_not() {
  if [ "$_TK_PG_VER" -lt 150000 ]; then
    printf 'server is PostgreSQL %s, 15+ is needed' "$((_TK_PG_VER / 10000))"
  else
    printf 'its role may not create roles and databases'
  fi
}
_tk_pg_desc() { printf 'PostgreSQL %s' "$((_TK_PG_VER / 10000)).$((_TK_PG_VER % 10000))"; }

# Server binaries >= 15: $TENANTKIT_PG_BINDIR, else the highest
# /usr/lib/postgresql/<ver>/bin, else pg_ctl on PATH. Prints the bin dir.
_tk_pg_major_of() { "$1/postgres" --version 2>/dev/null | sed -nE 's/.* ([0-9]+)(\.[0-9]+)*.*/\1/p' | head -n 1; }
_tk_pg_find_bindir() {
  local d v best="" bestv=0
  if [ -n "${TENANTKIT_PG_BINDIR:-}" ]; then
    printf '%s' "$TENANTKIT_PG_BINDIR"
    return 0
  fi
  for d in /usr/lib/postgresql/*/bin; do
    v="${d#/usr/lib/postgresql/}"
    v="${v%/bin}"
    [[ $v =~ ^[0-9]+$ ]] || continue
    { [ -x "$d/postgres" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; } || continue
    if [ "$v" -ge 15 ] && [ "$v" -gt "$bestv" ]; then best="$d" bestv="$v"; fi
  done
  if [ -z "$best" ] && command -v pg_ctl >/dev/null 2>&1; then
    d="$(dirname "$(command -v pg_ctl)")"
    v="$(_tk_pg_major_of "$d")"
    [ -x "$d/initdb" ] && [ -n "$v" ] && [ "$v" -ge 15 ] && best="$d"
  fi
  [ -n "$best" ] && printf '%s' "$best"
}

# Where the project-local cluster lives: .data/postgres, unless we are root and
# the `postgres` user cannot reach it (e.g. a checkout under /root).
_tk_pg_datadir_fallback() { printf '/var/tmp/tenantkit-%s/postgres' "$(printf '%s' "$TK_ROOT" | cksum | cut -d ' ' -f 1)"; }
_tk_pg_datadir() {
  local d="$TK_DATA/postgres"
  if tk_is_root && ! [ -s "$d/PG_VERSION" ]; then
    mkdir -p "$d"
    chown postgres: "$d"
    if ! (cd / && runuser -u postgres -- test -w "$d" -a -x "$d"); then
      d="$(_tk_pg_datadir_fallback)"
      tk_note "the postgres user cannot reach $TK_DATA; using $d instead"
      mkdir -p "$d"
      chmod 755 "$(dirname "$d")"
      chown postgres: "$d"
    fi
  fi
  mkdir -p "$d"
  printf '%s' "$d"
}
_tk_pg_run() { # run a server binary as the right user, from a neutral cwd
  if tk_is_root; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && "$@")
  fi
}
_tk_pg_ensure_user() {
  tk_is_root || return 0
  id -u postgres >/dev/null 2>&1 && return 0
  tk_say "creating the system user 'postgres' (the server refuses to run as root)"
  useradd --system --user-group --home-dir /var/lib/postgresql --no-create-home \
    --shell /usr/sbin/nologin --comment "PostgreSQL administrator" postgres ||
    tk_die "could not create the system user 'postgres'"
}

# Starts (or reuses) the project-local cluster. Returns 1 when no server
# binaries are installed.
_tk_pg_local() {
  local bindir pgdata port="$TK_PG_PORT" url t0 sock datav
  bindir="$(_tk_pg_find_bindir)" || return 1
  t0=$(tk_now_ms)
  _tk_pg_ensure_user
  pgdata="$(_tk_pg_datadir)"
  if [ -s "$pgdata/PG_VERSION" ]; then
    datav="$(cat "$pgdata/PG_VERSION")"
    if [ "$datav" != "$(_tk_pg_major_of "$bindir")" ]; then
      [ -x "/usr/lib/postgresql/$datav/bin/pg_ctl" ] ||
        tk_die "$pgdata was made by PostgreSQL $datav, whose server is not installed" \
          "remove it (its data is disposable) and run again: rm -rf '$pgdata'"
      bindir="/usr/lib/postgresql/$datav/bin"
    fi
  fi
  _TK_PG_BINDIR="$bindir"
  url="postgres://postgres@127.0.0.1:$port/tenantkit"

  if [ ! -s "$pgdata/PG_VERSION" ]; then
    tk_say "initialising a project-local PostgreSQL $(_tk_pg_major_of "$bindir") in ${pgdata#"$TK_ROOT"/}"
    tk_is_root && chown postgres: "$pgdata"
    chmod 700 "$pgdata"
    tk_logged pg-initdb _tk_pg_run "$bindir/initdb" -D "$pgdata" --auth=trust -U postgres \
      --encoding=UTF8 --no-locale --no-instructions || tk_die "initdb failed"
    printf "\ninclude_if_exists = 'tenantkit.conf'\n" >>"$pgdata/postgresql.conf"
  fi

  # Settings are rewritten on every start (the checkout may have moved).
  sock="$pgdata"
  [ "${#sock}" -le 90 ] || sock="" # a Unix socket path must stay < 108 bytes; TCP only then
  cat >"$pgdata/tenantkit.conf" <<EOF
# Written by infra/local/lib.sh; a disposable local development/test cluster.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '${sock//\'/\'\'}'
max_connections = 200
max_locks_per_transaction = 256
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  tk_is_root && chown postgres: "$pgdata/tenantkit.conf"

  if _tk_pg_run "$bindir/pg_ctl" status -D "$pgdata" >/dev/null 2>&1; then
    tk_say "reusing the project-local PostgreSQL on 127.0.0.1:$port"
  elif tk_port_open "$port"; then
    if _tk_pg_probe "$url" && _tk_pg_suitable; then
      tk_warn "127.0.0.1:$port already serves $(_tk_pg_desc) that is not this checkout's; reusing it"
    else
      tk_die "port $port is taken by something that is not a usable PostgreSQL" \
        "free it, or pick another port: TENANTKIT_PG_PORT=<port>"
    fi
  else
    tk_say "starting the project-local PostgreSQL on 127.0.0.1:$port"
    tk_logged pg-start _tk_pg_run "$bindir/pg_ctl" start -w -t 60 -s -D "$pgdata" -l "$pgdata/server.log" || {
      tail -n 20 "$pgdata/server.log" 2>/dev/null | sed 's/^/    | /' >&2
      tk_die "pg_ctl start failed (log: $pgdata/server.log)"
    }
  fi
  _tk_pg_probe "$url" || tk_die "the project-local PostgreSQL does not answer: $_TK_PG_ERR" "(log: $pgdata/server.log)"
  export DATABASE_URL="$url"
  tk_note "DATABASE_URL=$DATABASE_URL ($(_tk_pg_desc), ready in $(tk_since "$t0"))"
}

# ensure_postgres: exports DATABASE_URL (PostgreSQL 15+, role may create roles
# and databases). Order: $DATABASE_URL > default server > project-local cluster
# > apt-get install postgresql (root) > error.
ensure_postgres() {
  local t0 def
  t0=$(tk_now_ms)
  if [ -n "${TENANTKIT_PG_BINDIR:-}" ]; then
    { [ -x "$TENANTKIT_PG_BINDIR/pg_ctl" ] && [ -x "$TENANTKIT_PG_BINDIR/initdb" ]; } ||
      tk_die "TENANTKIT_PG_BINDIR=$TENANTKIT_PG_BINDIR has no pg_ctl/initdb"
  fi
  if [ -n "${DATABASE_URL:-}" ]; then
    _tk_pg_probe "$DATABASE_URL" ||
      tk_die "DATABASE_URL=$(tk_redact "$DATABASE_URL") does not answer: $_TK_PG_ERR" \
        "start that server, fix the URL, or unset DATABASE_URL to let this script find or start one"
    [ "$_TK_PG_VER" -ge 150000 ] || tk_die "DATABASE_URL=$(tk_redact "$DATABASE_URL"): $(_tk_pg_why_not)"
    _tk_pg_suitable || tk_warn "DATABASE_URL=$(tk_redact "$DATABASE_URL"): $(_tk_pg_why_not); migrations may fail"
    tk_say "PostgreSQL: using DATABASE_URL=$(tk_redact "$DATABASE_URL") ($(_tk_pg_desc), $(tk_since "$t0"))"
    export DATABASE_URL
    return 0
  fi

  def="${TENANTKIT_PG_DEFAULT_URL:-postgres://postgres@127.0.0.1:5432/tenantkit}"
  if _tk_pg_probe "$def"; then
    if _tk_pg_suitable; then
      export DATABASE_URL="$def"
      tk_say "PostgreSQL: using DATABASE_URL=$(tk_redact "$def") ($(_tk_pg_desc), $(tk_since "$t0"))"
      return 0
    fi
    tk_say "PostgreSQL at $(tk_redact "$def") is not usable: $(_tk_pg_why_not)"
  else
    tk_say "no PostgreSQL at $(tk_redact "$def") ($_TK_PG_ERR)"
  fi

  _tk_pg_local && return 0
  if tk_is_root && command -v apt-get >/dev/null 2>&1; then
    tk_say "no PostgreSQL 15+ server binaries found; installing Debian's postgresql"
    tk_apt_install postgresql || tk_die "apt-get install postgresql failed (see above)"
    _tk_pg_local && return 0
  fi
  tk_die "no PostgreSQL 15+ available" \
    "tried: DATABASE_URL (unset), $(tk_redact "$def"), server binaries in /usr/lib/postgresql/<15+>/bin or on PATH" \
    "provide one of:" \
    "  - DATABASE_URL=postgres://USER[:PASS]@HOST:PORT/tenantkit for a PostgreSQL 15+ whose role may create roles and databases" \
    "  - a server on 127.0.0.1:5432 with user postgres (trust auth)" \
    "  - the server binaries (Debian: sudo apt-get install postgresql, or TENANTKIT_PG_BINDIR=/path/to/bin)," \
    "    and this script starts a project-local cluster in .data/postgres on 127.0.0.1:$TK_PG_PORT"
}

# ----------------------------------------------------------------- redis ----

# _tk_redis_probe URL: sets _TK_REDIS_VER (e.g. 7.0.15) or _TK_REDIS_ERR.
_tk_redis_probe() {
  local url=$1 out
  _TK_REDIS_VER="" _TK_REDIS_ERR=""
  if command -v redis-cli >/dev/null 2>&1; then
    out="$(timeout 10 redis-cli -u "$url" --no-auth-warning ping 2>&1 </dev/null)" || true
    if [ "$out" != PONG ]; then
      _TK_REDIS_ERR="$(printf '%s' "${out:-no answer}" | tr '\n' ' ')"
      return 1
    fi
    _TK_REDIS_VER="$(timeout 10 redis-cli -u "$url" --no-auth-warning info server 2>/dev/null </dev/null |
      sed -nE 's/^redis_version:([0-9.]+).*/\1/p')"
  else
    # shellcheck disable=SC2016 # JavaScript, not shell
    out="$(TK_URL="$url" node -e '
      const net = require("net");
      const u = new URL(process.env.TK_URL);
      const fail = (m) => { console.error(m); process.exit(1); };
      if (u.protocol !== "redis:") fail(`cannot check ${u.protocol} URLs without redis-cli`);
      const cmd = (...a) => `*${a.length}\r\n` + a.map((x) => `$${Buffer.byteLength(x)}\r\n${x}\r\n`).join("");
      const s = net.connect({ host: u.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1", port: Number(u.port) || 6379 });
      setTimeout(() => fail("timed out"), 5000).unref();
      s.on("error", (e) => fail(e.message));
      s.on("connect", () => {
        let out = "";
        if (u.password) {
          const pass = decodeURIComponent(u.password);
          out += u.username ? cmd("AUTH", decodeURIComponent(u.username), pass) : cmd("AUTH", pass);
        }
        s.write(out + "PING\r\n" + cmd("INFO", "server"));
      });
      let buf = "";
      s.on("data", (d) => {
        buf += d;
        const err = /^-(.*)$/m.exec(buf);
        if (err) fail(err[1]);
        const v = /redis_version:([0-9.]+)\r\n/.exec(buf);
        if (buf.includes("+PONG\r\n") && v) { console.log(v[1]); s.destroy(); process.exit(0); }
      });' 2>&1 </dev/null)" || {
      _TK_REDIS_ERR="$(printf '%s' "${out:-no answer}" | tr '\n' ' ')"
      return 1
    }
    _TK_REDIS_VER="$out"
  fi
}
_tk_redis_major() { printf '%s' "${_TK_REDIS_VER%%.*}"; }
_tk_redis_ok_version() { [[ ${_TK_REDIS_VER%%.*} =~ ^[0-9]+$ ]] && [ "${_TK_REDIS_VER%%.*}" -ge 7 ]; }

_tk_redis_bin() {
  local b v
  b="$(command -v redis-server 2>/dev/null || true)"
  [ -n "$b" ] || { [ -x /usr/bin/redis-server ] && b=/usr/bin/redis-server; } || return 1
  v="$("$b" --version 2>/dev/null | sed -nE 's/.* v=([0-9]+)\..*/\1/p')"
  [ -n "$v" ] && [ "$v" -ge 7 ] || return 1
  printf '%s' "$b"
}

_tk_redis_local() {
  local bin port="$TK_REDIS_PORT" url dir t0
  bin="$(_tk_redis_bin)" || return 1
  t0=$(tk_now_ms)
  url="redis://127.0.0.1:$port"
  dir="$TK_DATA/redis"
  if _tk_redis_probe "$url"; then
    tk_say "reusing the project-local Redis on 127.0.0.1:$port"
  elif tk_port_open "$port"; then
    tk_die "port $port is taken by something that is not Redis" \
      "free it, or pick another port: TENANTKIT_REDIS_PORT=<port>"
  else
    tk_say "starting a project-local Redis on 127.0.0.1:$port (${dir#"$TK_ROOT"/})"
    mkdir -p "$dir"
    "$bin" --bind 127.0.0.1 --port "$port" --save "" --appendonly no --daemonize yes \
      --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" </dev/null >/dev/null 2>&1 ||
      tk_die "redis-server did not start (log: $dir/redis.log)"
    for _ in $(seq 1 100); do
      _tk_redis_probe "$url" && break
      sleep 0.1
    done
  fi
  _tk_redis_probe "$url" || tk_die "the project-local Redis does not answer: $_TK_REDIS_ERR" "(log: $dir/redis.log)"
  export REDIS_URL="$url"
  tk_note "REDIS_URL=$REDIS_URL (Redis $_TK_REDIS_VER, ready in $(tk_since "$t0"))"
}

# ensure_redis: exports REDIS_URL (Redis 7+). Order: $REDIS_URL > default
# server > project-local redis-server > apt-get install redis-server (root) > error.
ensure_redis() {
  local t0 def
  t0=$(tk_now_ms)
  if [ -n "${REDIS_URL:-}" ]; then
    _tk_redis_probe "$REDIS_URL" ||
      tk_die "REDIS_URL=$(tk_redact "$REDIS_URL") does not answer: $_TK_REDIS_ERR" \
        "start that server, fix the URL, or unset REDIS_URL to let this script find or start one"
    _tk_redis_ok_version || tk_warn "REDIS_URL=$(tk_redact "$REDIS_URL") is Redis ${_TK_REDIS_VER:-?}; 7+ is expected"
    tk_say "Redis: using REDIS_URL=$(tk_redact "$REDIS_URL") (Redis ${_TK_REDIS_VER:-?}, $(tk_since "$t0"))"
    export REDIS_URL
    return 0
  fi

  def="${TENANTKIT_REDIS_DEFAULT_URL:-redis://127.0.0.1:6379}"
  if _tk_redis_probe "$def"; then
    if _tk_redis_ok_version; then
      export REDIS_URL="$def"
      tk_say "Redis: using REDIS_URL=$(tk_redact "$def") (Redis $_TK_REDIS_VER, $(tk_since "$t0"))"
      return 0
    fi
    tk_say "Redis at $(tk_redact "$def") is ${_TK_REDIS_VER:-of unknown version}; 7+ is needed"
  else
    tk_say "no Redis at $(tk_redact "$def") ($_TK_REDIS_ERR)"
  fi

  _tk_redis_local && return 0
  if tk_is_root && command -v apt-get >/dev/null 2>&1; then
    tk_say "no redis-server 7+ found; installing Debian's redis-server"
    tk_apt_install redis-server || tk_die "apt-get install redis-server failed (see above)"
    _tk_redis_local && return 0
  fi
  tk_die "no Redis 7+ available" \
    "tried: REDIS_URL (unset), $(tk_redact "$def"), redis-server 7+ on PATH" \
    "provide one of:" \
    "  - REDIS_URL=redis://[:PASS@]HOST:PORT for a Redis 7+" \
    "  - a Redis on 127.0.0.1:6379" \
    "  - redis-server 7+ on PATH (Debian: sudo apt-get install redis-server)," \
    "    and this script starts a project-local one on 127.0.0.1:$TK_REDIS_PORT"
}

# -------------------------------------------------------------- chromium ----

# ensure_chromium: exports CHROMIUM_PATH (for the e2e tests' playwright-core).
ensure_chromium() {
  local c
  if [ -n "${CHROMIUM_PATH:-}" ]; then
    [ -x "$CHROMIUM_PATH" ] || tk_die "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file"
  else
    for c in /usr/bin/chromium "$(command -v chromium 2>/dev/null || true)" "$(command -v chromium-browser 2>/dev/null || true)"; do
      if [ -n "$c" ] && [ -x "$c" ]; then CHROMIUM_PATH="$c" && break; fi
    done
    if [ -z "${CHROMIUM_PATH:-}" ]; then
      if tk_is_root && command -v apt-get >/dev/null 2>&1; then
        tk_say "Chromium not found; installing Debian's chromium"
        tk_apt_install chromium fonts-liberation || tk_die "apt-get install chromium failed (see above)"
        [ -x /usr/bin/chromium ] || tk_die "apt-get installed chromium but /usr/bin/chromium is missing"
        CHROMIUM_PATH=/usr/bin/chromium
      else
        tk_die "Chromium not found (needed by the e2e tests)" \
          "install it (Debian: sudo apt-get install chromium fonts-liberation)," \
          "or point CHROMIUM_PATH at a Chromium/Chrome executable"
      fi
    fi
  fi
  export CHROMIUM_PATH
  tk_say "Chromium: CHROMIUM_PATH=$CHROMIUM_PATH ($("$CHROMIUM_PATH" --version 2>/dev/null | head -n 1 || echo 'version unknown'))"
}

# ------------------------------------------------------- domain servers ----

# ensure_domain_servers: Debian's Pebble (ACME test CA) and PowerDNS with the SQLite
# backend, which the custom-domain tests start on loopback ports of their own
# (packages/testing/src/pebble.ts, powerdns.ts). Only the binaries are needed: no
# service is enabled or started here.
ensure_domain_servers() {
  local missing=()
  [ -x /usr/bin/pebble ] || missing+=(pebble)
  [ -x /usr/sbin/pdns_server ] || missing+=(pdns-server)
  [ -f /usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql ] || missing+=(pdns-backend-sqlite3)
  command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  if [ "${#missing[@]}" -gt 0 ]; then
    if tk_is_root && command -v apt-get >/dev/null 2>&1; then
      tk_say "domain test servers missing (${missing[*]}); installing Debian's packages"
      tk_apt_install "${missing[@]}" || tk_die "apt-get install ${missing[*]} failed (see above)"
    else
      tk_die "missing for the custom-domain tests: ${missing[*]}" \
        "install them (Debian: sudo apt-get install ${missing[*]})"
    fi
  fi
  tk_say "domain servers: pebble, pdns_server (gsqlite3), sqlite3, openssl"
}

# ---------------------------------------------------------- local stop ----

# Stops the project-local PostgreSQL and Redis of this checkout (never the
# default servers on 5432/6379).
tk_stop_local() {
  local d bindir v
  for d in "$TK_DATA/postgres" "$(_tk_pg_datadir_fallback)"; do
    [ -s "$d/PG_VERSION" ] || continue
    v="$(cat "$d/PG_VERSION")"
    bindir="/usr/lib/postgresql/$v/bin"
    [ -x "$bindir/pg_ctl" ] || bindir="$(_tk_pg_find_bindir || true)"
    [ -n "$bindir" ] || continue
    if _tk_pg_run "$bindir/pg_ctl" status -D "$d" >/dev/null 2>&1; then
      tk_say "stopping the project-local PostgreSQL ($d)"
      _tk_pg_run "$bindir/pg_ctl" stop -D "$d" -m fast -w -s
    fi
  done
  local pidf="$TK_DATA/redis/redis.pid" pid
  if [ -s "$pidf" ] && pid="$(cat "$pidf")" && kill -0 "$pid" 2>/dev/null &&
    grep -q redis-server "/proc/$pid/cmdline" 2>/dev/null; then
    tk_say "stopping the project-local Redis (pid $pid)"
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
}
