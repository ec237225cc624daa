#!/usr/bin/env bash
# Make sure the servers the test suite talks to over real connections are up:
#   PostgreSQL on 127.0.0.1:5432, user postgres without a password (trust auth), and Redis on 127.0.0.1:6379.
# When both answer it does nothing and prints nothing. Otherwise it starts them. Where they are not
# installed and it runs as root with apt-get (Debian, Ubuntu), it installs the distribution's packages
# (postgresql, redis-server) and configures PostgreSQL for the tests; where it cannot, it stops at once
# with one line on stderr naming what to install.
#   CLAIMBOT_SERVICES_NO_INSTALL=1  never install packages nor change PostgreSQL's configuration
#   CLAIMBOT_SERVICES_WAIT=30       seconds to wait for a server after starting it
set -euo pipefail

PG_HOST=127.0.0.1
PG_PORT=5432
REDIS_HOST=127.0.0.1
REDIS_PORT=6379
WAIT_SECONDS=${CLAIMBOT_SERVICES_WAIT:-30}
HBA_MARKER="# claimbot tests (scripts/ensure-services.sh)"
PG_CONF_NAME=90-claimbot.conf

say() { printf 'ensure-services: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }
last_line() { grep -v '^[[:space:]]*$' "$1" 2>/dev/null | tail -n 1 || true; }

pg_answers() { pg_isready -h "$PG_HOST" -p "$PG_PORT" -q >/dev/null 2>&1; }
pg_trusts() {
    PGCONNECT_TIMEOUT=3 psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -w -XAtq \
        -c 'select 1' >/dev/null 2>&1
}
redis_answers() { [[ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }
pg_ok() { have pg_isready && have psql && pg_trusts; }
redis_ok() { have redis-cli && redis_answers; }

newest_pg_server() {  # Debian layout: /usr/lib/postgresql/<version>/bin/postgres; prints the newest version
    local bin version newest=""
    for bin in /usr/lib/postgresql/*/bin/postgres; do
        [[ -x "$bin" ]] || continue
        version=${bin#/usr/lib/postgresql/} version=${version%%/*}
        [[ -z "$newest" ]] || ((${version%%.*} > ${newest%%.*})) && newest=$version
    done
    [[ -n "$newest" ]] && echo "$newest"
}

is_root() { [[ "$(id -u 2>/dev/null || echo unknown)" == 0 ]]; }
may_change_system() { is_root && [[ "${CLAIMBOT_SERVICES_NO_INSTALL:-0}" != 1 ]]; }

# Why packages cannot be installed here (empty when they can).
install_blocker() {
    if [[ "${CLAIMBOT_SERVICES_NO_INSTALL:-0}" == 1 ]]; then
        echo "CLAIMBOT_SERVICES_NO_INSTALL=1"
    elif ! have apt-get; then
        echo "no apt-get"
    elif ! is_root; then
        echo "not root"
    fi
}

wait_for() {  # wait_for SECONDS CHECK...: true as soon as CHECK succeeds, false after SECONDS
    local deadline=$((SECONDS + $1))
    shift
    until "$@"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.5
    done
}

apt_problem() {  # apt_problem LOG: a failed download (no network, no mirror) first, then apt's last error
    local fetch error
    fetch=$(grep -m 1 -o 'Failed to fetch .*' "$1" 2>/dev/null | tr -s ' ' || true)
    error=$(grep '^E: ' "$1" 2>/dev/null | tail -n 1 || true)
    [[ -n "$fetch$error" ]] || error=$(last_line "$1")
    echo "${fetch}${fetch:+${error:+; }}${error}"
}

apt_install() {  # apt_install LOG PACKAGE...: install, with `apt-get update` first if the install fails
    local log=$1
    shift
    local -a install=(apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=120 "$@")
    DEBIAN_FRONTEND=noninteractive "${install[@]}" >>"$log" 2>&1 && return 0
    apt-get update -q -o DPkg::Lock::Timeout=120 >>"$log" 2>&1 || return 1
    DEBIAN_FRONTEND=noninteractive "${install[@]}" >>"$log" 2>&1
}

# Put trust lines for user postgres (local socket and 127.0.0.1) before every other line of a
# pg_hba.conf: the first matching line decides. Prints "changed" when the file was changed.
trust_postgres_in_hba() {
    local hba=$1 tmp
    grep -qxF "$HBA_MARKER" "$hba" && return 0
    tmp=$(mktemp)
    {
        echo "$HBA_MARKER"
        echo "local   all   postgres                  trust"
        echo "host    all   postgres   127.0.0.1/32   trust"
        echo
        cat "$hba"
    } >"$tmp"
    cat "$tmp" >"$hba"  # in place: the file keeps its owner and mode
    rm -f "$tmp"
    echo changed
}

# Listen on 127.0.0.1:5432 (conf.d is included by Debian's postgresql.conf). Prints "changed" on a change.
listen_for_tests() {
    local confd=$1 want
    want=$(printf '%s\n' "$HBA_MARKER" "listen_addresses = '$PG_HOST'" "port = $PG_PORT")
    [[ -f "$confd/$PG_CONF_NAME" && "$(cat "$confd/$PG_CONF_NAME")" == "$want" ]] && return 0
    mkdir -p "$confd"
    printf '%s\n' "$want" >"$confd/$PG_CONF_NAME"
    echo changed
}

ensure_postgres() {
    local cluster version name port status out changed=""
    # The cluster on port 5432, else the first one; with none, create one with the newest server.
    cluster=$(pg_lsclusters -h 2>/dev/null | awk -v p="$PG_PORT" '$3 == p {print; exit}')
    [[ -n "$cluster" ]] || cluster=$(pg_lsclusters -h 2>/dev/null | head -n 1)
    if [[ -z "$cluster" ]]; then
        may_change_system || die "PostgreSQL has no cluster: as root, run pg_createcluster --port $PG_PORT $(newest_pg_server) main, then make test again"
        version=$(newest_pg_server) || die "no PostgreSQL server is installed in /usr/lib/postgresql"
        say "creating PostgreSQL cluster $version/main"
        out=$(pg_createcluster --port "$PG_PORT" "$version" main 2>&1) ||
            die "pg_createcluster $version main failed: $(tail -n 1 <<<"$out")"
        cluster=$(pg_lsclusters -h 2>/dev/null | awk -v v="$version" '$1 == v && $2 == "main" {print; exit}')
    fi
    read -r version name port status _ <<<"$cluster"

    if may_change_system; then
        changed+=$(listen_for_tests "/etc/postgresql/$version/$name/conf.d")
        changed+=$(trust_postgres_in_hba "/etc/postgresql/$version/$name/pg_hba.conf")
    fi
    if [[ "$status" == online* && -n "$changed" ]]; then
        say "restarting PostgreSQL $version/$name for the tests (127.0.0.1:$PG_PORT, trust for user postgres)"
        out=$(pg_ctlcluster --skip-systemctl-redirect "$version" "$name" restart 2>&1) ||
            die "PostgreSQL $version/$name did not restart: $(tail -n 1 <<<"$out")"
    elif [[ "$status" != online* ]]; then
        say "starting PostgreSQL $version/$name"
        out=$(pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start 2>&1) ||
            die "PostgreSQL $version/$name did not start ($(tail -n 1 <<<"$out")): as root, run pg_ctlcluster $version $name start"
    fi
    wait_for "$WAIT_SECONDS" pg_answers ||
        die "PostgreSQL $version/$name (port $port) does not answer on $PG_HOST:$PG_PORT after ${WAIT_SECONDS}s: see /var/log/postgresql/postgresql-$version-$name.log"
    pg_trusts ||
        die "PostgreSQL on $PG_HOST:$PG_PORT refuses user postgres without a password: put 'host all postgres 127.0.0.1/32 trust' first in /etc/postgresql/$version/$name/pg_hba.conf and reload (as root, this script does it)"
}

ensure_redis() {
    local dir log
    if is_root; then
        dir=/var/lib/redis log=/var/log/redis/ci.log
    else
        dir="${TMPDIR:-/tmp}/claimbot-redis-$(id -u)" log="${TMPDIR:-/tmp}/claimbot-redis-$(id -u)/redis.log"
    fi
    say "starting Redis"
    mkdir -p "$dir" "$(dirname "$log")" || die "cannot create $dir for Redis"
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
        --dir "$dir" --logfile "$log" >/dev/null 2>&1 ||
        die "redis-server did not start: $(last_line "$log")"
    wait_for 10 redis_answers ||
        die "Redis does not answer on $REDIS_HOST:$REDIS_PORT after 10s: $(last_line "$log")"
}

main() {
    # Fast path: both servers answer, nothing to do, nothing printed.
    local pg_up=0 redis_up=0
    pg_ok && pg_up=1
    redis_ok && redis_up=1
    ((pg_up && redis_up)) && return 0

    # What is missing, by tool, and the Debian packages that bring it.
    local -a missing=() packages=()
    local tool
    if ((!pg_up)); then
        for tool in pg_isready psql pg_ctlcluster; do have "$tool" || missing+=("$tool"); done
        newest_pg_server >/dev/null || missing+=("postgres (server)")
        ((${#missing[@]} == 0)) || packages+=(postgresql)
    fi
    if ((!redis_up)); then
        local before=${#missing[@]}
        for tool in redis-server redis-cli; do have "$tool" || missing+=("$tool"); done
        ((${#missing[@]} == before)) || packages+=(redis-server)
    fi

    if ((${#packages[@]})); then
        local blocker what log
        what=${missing[0]}
        for tool in "${missing[@]:1}"; do what+=", $tool"; done
        blocker=$(install_blocker)
        if [[ -n "$blocker" ]]; then
            if have apt-get; then
                die "missing $what and cannot install them here ($blocker): run 'sudo apt-get install -y ${packages[*]}', then make test again"
            fi
            local -a names=()
            [[ " ${packages[*]} " != *" postgresql "* ]] || names+=("PostgreSQL (server and client tools)")
            [[ " ${packages[*]} " != *" redis-server "* ]] || names+=("Redis (redis-server, redis-cli)")
            die "missing $what and cannot install them here ($blocker): install ${names[0]}${names[1]:+ and ${names[1]}} with this system's package manager, then make test again"
        fi
        log=$(mktemp "${TMPDIR:-/tmp}/claimbot-apt.XXXXXX")
        say "missing $what: installing ${packages[*]} with apt-get (log: $log)"
        apt_install "$log" "${packages[@]}" ||
            die "apt-get could not install ${packages[*]} ($(apt_problem "$log")): install them, then make test again"
        for tool in pg_isready psql pg_ctlcluster redis-server redis-cli; do
            have "$tool" || die "apt-get installed ${packages[*]} but $tool is still missing (log: $log)"
        done
        newest_pg_server >/dev/null || die "apt-get installed ${packages[*]} but no PostgreSQL server is in /usr/lib/postgresql (log: $log)"
        rm -f "$log"
    fi

    ((pg_up)) || ensure_postgres
    ((redis_up)) || redis_ok || ensure_redis
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    main "$@"
fi
