#!/usr/bin/env bash
# `pnpm test`: everything the suite needs, then the suite. On a machine of this project's kind
# (Node 20, Redis on 127.0.0.1:6379, PostgreSQL on 127.0.0.1:5432) it needs nothing else; CI runs
# exactly this. Elsewhere set REDIS_URL / DATABASE_URL, or leave them unset on a machine with Docker
# (testcontainers then starts both).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/system-deps.sh

# The machine's own Redis and PostgreSQL, when they answer and nothing else was named.
if [ -z "${REDIS_URL:-}" ] && (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  export REDIS_URL=redis://127.0.0.1:6379
fi
if [ -z "${DATABASE_URL:-}" ] && (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  export DATABASE_URL=postgres://postgres@127.0.0.1:5432/test
fi

npx tsc -p tsconfig.json --noEmit
# The house style (`pnpm lint`: ESLint, then madge for import cycles; 30-60 s on 2 cores).
bash scripts/lint.sh
# Two test files at a time even on 2 cores (jest's default there is one): most of an end-to-end
# test's time is spent waiting on streams paced in real time, so two overlap well.
workers=$(( $(nproc) > 2 ? $(nproc) - 1 : 2 ))
npx jest --ci --maxWorkers="$workers" "$@"
# The end-to-end suites that matter once more with everything on a Redis Cluster of the run's own
# (3 primaries, 3 replicas on loopback: AW_TEST_REDIS=cluster makes the jest global setup start it).
if [ "$#" -eq 0 ]; then
  AW_TEST_REDIS=cluster npx jest --ci --maxWorkers="$workers" tests/chat.e2e.test.ts tests/resume-cancel.e2e.test.ts tests/multi-device.e2e.test.ts \
    tests/fleet-faults.e2e.test.ts tests/reminders.e2e.test.ts tests/rest-chat.e2e.test.ts tests/loadtest.e2e.test.ts
fi
