#!/usr/bin/env bash
# Dependency summaries over the whole corpus: each corpus crate linted as a cargo project whose
# dependencies resolve to the vendored corpus (without its dev-dependencies), with and without
# the summaries. Prints each finding the summaries add or lose, then the totals.
#
#   bench/deps-corpus.sh [--corpus DIR]
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CORPUS="${APPSTRACT_CORPUS:-$HOME/.cache/appstract-corpus/vendor}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --corpus) CORPUS="$2"; shift ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done

"$ROOT/bench/corpus/fetch.sh" "$CORPUS" >&2
source "$ROOT/bench/corpus/project.sh"
(cd "$ROOT" && cargo build --release --quiet)
BIN="$ROOT/target/release/cargo-appstract-lint"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/appstract-deps-corpus.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
export APPSTRACT_LINT_SUMMARIES="$WORK/store"

resolved=0; unresolved=0; calling=0; made=0; stored=0; changed=0
for src in "$CORPUS"/*/; do
  crate="$(basename "$src")"
  [[ -f $src/src/lib.rs || -f $src/src/main.rs ]] || continue
  dir="$WORK/$crate"
  if ! corpus_project "$src" "$dir" "$CORPUS"; then
    unresolved=$((unresolved + 1)); rm -rf "$dir"; continue
  fi
  resolved=$((resolved + 1))
  (cd "$dir" && timeout 300 "$BIN" --cache-dir "$WORK/cache" --message-format short --no-deps 2>&1 \
    | grep '\]: ' | sort > "$WORK/without.txt") || true
  (cd "$dir" && timeout 300 "$BIN" --cache-dir "$WORK/cache" --message-format short -v 2>&1 \
    | grep -E '\]: |^dependencies' | sort > "$WORK/with.txt") || true
  read -r n m < <(awk '/^dependencies: [0-9]/ { print $2, $4 }' "$WORK/with.txt"; echo "0 0") || true
  if [[ $((n + m)) -gt 0 ]]; then calling=$((calling + 1)); fi
  made=$((made + n)); stored=$((stored + m))
  grep -v '^dependencies' "$WORK/with.txt" > "$WORK/with-findings.txt" || true
  while read -r line; do echo "added: $crate: $line"; changed=$((changed + 1)); done \
    < <(comm -13 "$WORK/without.txt" "$WORK/with-findings.txt")
  while read -r line; do echo "lost: $crate: $line"; changed=$((changed + 1)); done \
    < <(comm -23 "$WORK/without.txt" "$WORK/with-findings.txt")
  rm -rf "$dir"
done
echo "$resolved crates resolve offline ($unresolved do not); $calling call into packages with runtime code; $made summaries made, $stored read from the store; $changed findings added or lost"
