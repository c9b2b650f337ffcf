#!/usr/bin/env bash
# Runs run.ts on each corpus project named (default: all), one after another, each with a hard time limit.
#   scripts/rollback-roundtrip/run-all.sh [project …]
# Env: CORPUS (default: the corpus scripts/corpus-root.cjs finds), OUT (default /tmp/rollback-roundtrip), LIMIT (soft limit, s; default 180)
set -u
here="$(cd "$(dirname "$0")" && pwd)"
corpus="${CORPUS:-$(cd "$here/../.." && node -p "require('./scripts/corpus-root.cjs').corpusRoot(process.cwd())")}"
out="${OUT:-/tmp/rollback-roundtrip}"
limit="${LIMIT:-180}"
mkdir -p "$out"
projects=("$@")
if [ ${#projects[@]} -eq 0 ]; then
  for d in "$corpus"/*/; do projects+=("$(basename "$d")"); done
fi
cd "$here/../.."
for p in "${projects[@]}"; do
  timeout --kill-after=10 $((limit + 60)) npx --no-install tsx "$here/run.ts" "$corpus/$p" --out "$out" --time-limit "$limit" \
    >"$out/$p.txt" 2>"$out/$p.err"
  echo "exit $? $p" >>"$out/$p.txt"
  cat "$out/$p.txt"
done
