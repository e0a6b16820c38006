#!/usr/bin/env bash
# A throw-away PostgreSQL for the tests: a new cluster in a temporary folder, on a free loopback port, run as an
# unprivileged user, trust authentication for the one role "gp". Sourced by scripts/test.sh; for a manual run:
#   source scripts/test-postgres.sh && start_test_postgres   (then stop_test_postgres when done)
# It exports GROUPPAY_TEST_POSTGRES, the connection string the storage tests use.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

start_test_postgres() {
  if [ ! -x "$PG_BIN/initdb" ]; then
    echo "Installing Debian's postgresql-15 for the storage tests..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq postgresql-15 >/dev/null
  fi

  TEST_PG_DIR=$(mktemp -d /tmp/grouppay-pg.XXXXXX)
  TEST_PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000)))
  local run_as=()
  if [ "$(id -u)" -eq 0 ]; then
    # PostgreSQL refuses to run as root.
    chown nobody "$TEST_PG_DIR"
    # Run from /: a checkout in a folder nobody may enter (a fresh clone under mktemp) would make every call warn.
    run_as=(su -s /bin/bash nobody -c)
  else
    run_as=(bash -c)
  fi
  TEST_PG_RUN_AS=("${run_as[@]}")
  (cd / && "${run_as[@]}" "'$PG_BIN/initdb' -D '$TEST_PG_DIR/data' -A trust -U gp -E UTF8 --no-instructions >'$TEST_PG_DIR/initdb.log' 2>&1") \
    || { cat "$TEST_PG_DIR/initdb.log"; return 1; }
  (cd / && "${run_as[@]}" "'$PG_BIN/pg_ctl' -D '$TEST_PG_DIR/data' -o '-p $TEST_PG_PORT -k $TEST_PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off' -l '$TEST_PG_DIR/log' -w start >/dev/null") \
    || { cat "$TEST_PG_DIR/log"; return 1; }
  export GROUPPAY_TEST_POSTGRES="Host=127.0.0.1;Port=$TEST_PG_PORT;Username=gp;Database=postgres"
  echo "PostgreSQL for the tests on 127.0.0.1:$TEST_PG_PORT ($TEST_PG_DIR)"
}

stop_test_postgres() {
  if [ -n "${TEST_PG_DIR:-}" ] && [ -d "$TEST_PG_DIR/data" ]; then
    (cd / && "${TEST_PG_RUN_AS[@]}" "'$PG_BIN/pg_ctl' -D '$TEST_PG_DIR/data' -m fast -w stop >/dev/null") || true
    rm -rf "$TEST_PG_DIR"
  fi
}
