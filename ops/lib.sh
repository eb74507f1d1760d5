# Shared by the ops/ scripts: paths and the local PostgreSQL cluster's settings.
# Sourced, not run.
set -euo pipefail

PROJECT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The cluster lives in the project folder (git-ignored). STROKEPATH_PG_NAME picks another
# cluster (ops/test uses "test"), STROKEPATH_PG_PORT another loopback port.
PG_NAME=${STROKEPATH_PG_NAME:-dev}
if [ "$PG_NAME" = test ]; then PG_PORT=${STROKEPATH_PG_PORT:-54339}; else PG_PORT=${STROKEPATH_PG_PORT:-54329}; fi
# The folder of the cluster called NAME (ops/ha's is "ha"): .local/pg-NAME. As root the
# cluster runs as the postgres user, who must be able to reach the folder; where it cannot
# (a home folder, say), the cluster lives under /var/tmp instead.
pg_base_for() {
    if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$PROJECT_DIR" 2>/dev/null; then
        printf '%s\n' "/var/tmp/strokepath-$(printf '%s' "$PROJECT_DIR" | md5sum | cut -c1-8)/pg-$1"
    else
        printf '%s\n' "$PROJECT_DIR/.local/pg-$1"
    fi
}
PG_BASE=$(pg_base_for "$PG_NAME")
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

# The application's roles and database. The owner role owns the schema and runs migrations; the application role only gets the
# privileges the migrations grant it; the reporting role can read only the report cells, and
# the application takes it (SET LOCAL ROLE) to answer reports; the auditing role can read only
# its organisations' audit rows, taken the same way for auditors. The application role's
# sessions get limits (docs/database.md): a statement, a lock wait and an idle transaction
# are cut off; the long jobs (report refresh) raise their own with SET LOCAL.
# app_roles_sql prints the SQL, idempotent, for psql as a superuser on the database postgres
# (ops/db on its cluster, ops/ha on the primary of its formation).
app_roles_sql() {
    cat <<SQL
SELECT format('CREATE ROLE %I LOGIN', '$OWNER_ROLE') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$OWNER_ROLE')
\gexec
SELECT format('CREATE ROLE %I LOGIN NOINHERIT', '$APP_ROLE') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$APP_ROLE')
\gexec
SELECT format('CREATE ROLE %I NOLOGIN', '$PLANNER_ROLE') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PLANNER_ROLE')
\gexec
SELECT format('GRANT %I TO %I', '$PLANNER_ROLE', '$APP_ROLE') WHERE NOT pg_has_role('$APP_ROLE', '$PLANNER_ROLE', 'MEMBER')
\gexec
SELECT format('CREATE ROLE %I NOLOGIN', '$AUDITOR_ROLE') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$AUDITOR_ROLE')
\gexec
SELECT format('GRANT %I TO %I', '$AUDITOR_ROLE', '$APP_ROLE') WHERE NOT pg_has_role('$APP_ROLE', '$AUDITOR_ROLE', 'MEMBER')
\gexec
ALTER ROLE $APP_ROLE SET statement_timeout = '$APP_STATEMENT_TIMEOUT';
ALTER ROLE $APP_ROLE SET lock_timeout = '$APP_LOCK_TIMEOUT';
ALTER ROLE $APP_ROLE SET idle_in_transaction_session_timeout = '$APP_IDLE_IN_TRANSACTION_TIMEOUT';
SELECT format('CREATE DATABASE %I OWNER %I', '$APP_DATABASE', '$OWNER_ROLE') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$APP_DATABASE')
\gexec
SQL
}
