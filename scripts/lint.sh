#!/usr/bin/env bash
# `pnpm lint`: the house style. ESLint (eslint.config.mjs: named exports only, no floating or misused
# promises, file and function length), then import cycles across the whole workspace with madge
# (imports of @aurawell/* resolve to the packages' src/, so cycles between packages count too).
# Both always run, so one report shows every finding; it fails if either found an error.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

status=0
npx eslint . || status=1
# Settings in .madgerc: TypeScript resolution as in tsconfig.base.json, given there as raw JSON
# because madge's --ts-config hands its resolver options that lose "moduleResolution", which then
# skips package.json "exports" subpaths such as @aurawell/db/migrate. Type-only imports count too:
# a circle of types is still a circle a reader has to untangle.
npx madge --circular --no-spinner packages/*/src services/*/src tests || status=1
exit "$status"
