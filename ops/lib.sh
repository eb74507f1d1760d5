# Shared by the ops/ scripts: paths and the local PostgreSQL cluster's settings.
# Sourced, not run.
set -euo pipefail

PROJECT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The cluster lives in the project folder (git-ignored). STROKEPATH_PG_NAME picks another
# cluster (ops/test uses "test"), STROKEPATH_PG_PORT another loopback port.
PG_NAME=${STROKEPATH_PG_NAME:-dev}
if [ "$PG_NAME" = test ]; then PG_PORT=${STROKEPATH_PG_PORT:-54339}; else PG_PORT=${STROKEPATH_PG_PORT:-54329}; fi
PG_BASE="$PROJECT_DIR/.local/pg-$PG_NAME"
# As root the cluster runs as the postgres user, who must be able to reach the folder;
# where it cannot (a home folder, say), the cluster lives under /var/tmp instead.
if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$PROJECT_DIR" 2>/dev/null; then
    PG_BASE="/var/tmp/strokepath-$(printf '%s' "$PROJECT_DIR" | md5sum | cut -c1-8)/pg-$PG_NAME"
fi
PG_DATA="$PG_BASE/data"
PG_SOCKET="$PG_BASE/socket"
PG_LOG="$PG_BASE/postgres.log"
APP_DATABASE=strokepath
OWNER_ROLE=strokepath_owner
APP_ROLE=strokepath_app
PLANNER_ROLE=strokepath_planner
AUDITOR_ROLE=strokepath_auditor
# Limits on the application role's sessions (ALTER ROLE ... SET; docs/database.md).
APP_STATEMENT_TIMEOUT=${STROKEPATH_APP_STATEMENT_TIMEOUT:-30s}
APP_LOCK_TIMEOUT=${STROKEPATH_APP_LOCK_TIMEOUT:-10s}
APP_IDLE_IN_TRANSACTION_TIMEOUT=${STROKEPATH_APP_IDLE_IN_TRANSACTION_TIMEOUT:-60s}

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# PostgreSQL's server programs (initdb, pg_ctl) are not on PATH on Debian.
pg_bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$dir" ] && [ -x "$dir/initdb" ] || die "PostgreSQL server not installed: run ops/setup"
    printf '%s\n' "$dir"
}

# PostgreSQL refuses to run as root: as root, run its programs as the postgres user.
as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# psql as the cluster's superuser, over the Unix socket.
psql_super() {
    psql -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET" -p "$PG_PORT" -U postgres "$@"
}
