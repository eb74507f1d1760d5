# Shared by the benchmarks: a bench cluster of its own, and the release build of the
# bench program. Sourced, not run.
export STROKEPATH_PG_NAME=bench STROKEPATH_PG_PORT=${STROKEPATH_PG_PORT:-54349}
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

bench_prepare() {
    "$PROJECT_DIR/ops/setup"
    "$PROJECT_DIR/ops/db" start
    # WAL for a bulk load of millions of rows without a checkpoint every gigabyte (PostgreSQL's
    # "Populating a Database"; docs/operations.md recommends it for a national database too).
    psql_super -d postgres -qc "ALTER SYSTEM SET max_wal_size = '16GB'" -c "ALTER SYSTEM SET checkpoint_timeout = '30min'" \
        -c "SELECT pg_reload_conf()" >/dev/null
    # PostgreSQL's own cache as a database server's (its tuning advice: up to a quarter of the
    # memory; 2 GB of this machine's 24): at national scale the keys an incremental refresh looks
    # up stay in it (docs/operations.md). Takes a restart, once: a bench already connected to
    # the cluster then loses its sessions.
    if [ "$(psql_super -d postgres -Atc 'SHOW shared_buffers')" != 2GB ]; then
        psql_super -d postgres -qc "ALTER SYSTEM SET shared_buffers = '2GB'"
        "$PROJECT_DIR/ops/db" stop
        "$PROJECT_DIR/ops/db" start
        [ "$(psql_super -d postgres -Atc 'SHOW shared_buffers')" = 2GB ] || die "the bench cluster did not take shared_buffers = 2GB"
    fi
    say "bench: building strokepath-bench (release)"
    (cd "$PROJECT_DIR" && swift build -c release --product strokepath-bench 2>&1 | tail -n 1 >&2)
    BENCH="$PROJECT_DIR/.build/release/strokepath-bench"
    export PGHOST="$PG_SOCKET" PGPORT="$PG_PORT" PGUSER=postgres PGDATABASE=bench
    psql_super -d postgres -c "DROP DATABASE IF EXISTS bench" -c "CREATE DATABASE bench"
}
