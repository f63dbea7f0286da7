#!/usr/bin/env bash
# Runs every test file with node's test runner. Node 20's `node --test` does not expand globs,
# so the shell does; an empty list is an error, never a silent "0 tests".
set -euo pipefail
shopt -s globstar nullglob
files=(test/**/*.test.ts)
if [ ${#files[@]} -eq 0 ]; then echo "no test files found" >&2; exit 1; fi
exec node --import tsx --test "${files[@]}"
