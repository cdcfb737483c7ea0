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
exec npx jest --ci "$@"
