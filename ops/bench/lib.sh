# Shared by the benchmarks: a bench cluster of its own, and the release build of the
# bench program. Sourced, not run.
export STROKEPATH_PG_NAME=bench STROKEPATH_PG_PORT=${STROKEPATH_PG_PORT:-54349}
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

bench_prepare() {
    "$PROJECT_DIR/ops/setup"
    "$PROJECT_DIR/ops/db" start
    say "bench: building strokepath-bench (release)"
    (cd "$PROJECT_DIR" && swift build -c release --product strokepath-bench 2>&1 | tail -n 1 >&2)
    BENCH="$PROJECT_DIR/.build/release/strokepath-bench"
    export PGHOST="$PG_SOCKET" PGPORT="$PG_PORT" PGUSER=postgres PGDATABASE=bench
    psql_super -d postgres -c "DROP DATABASE IF EXISTS bench" -c "CREATE DATABASE bench"
}
