#!/usr/bin/env bash
# Runs every test of GroupPay. Installs what the tests need on a fresh machine (Debian's Chromium for the
# browser tests, Debian's PostgreSQL 15 server for the storage tests), starts a throw-away PostgreSQL for the run,
# builds once, runs all test projects (the reliability suite at its default size; GROUPPAY_LONG_RUN=1 selects the long
# run, see docs/reliability.md) and ends with one "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq chromium >/dev/null
fi

source scripts/test-postgres.sh
start_test_postgres
trap stop_test_postgres EXIT

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build GroupPay.slnx -c Release --nologo -v quiet
log=$(mktemp)
status=0
dotnet test --solution GroupPay.slnx -c Release --no-build 2>&1 | tee "$log" || status=$?

passed=$(grep -E '^\s*succeeded:' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -E '^\s*failed:' "$log" | awk '{s+=$2} END {print s+0}')
echo "${passed} passed, ${failed} failed"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
