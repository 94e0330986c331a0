#!/usr/bin/env bash
# The cost of dependency summaries on real projects with hundreds of dependencies: crates of
# the corpus linted as cargo projects whose dependencies resolve to the vendored corpus (a
# `[source]` replacement, as `cargo vendor` sets up), without their dev-dependencies.
#
#   bench/deps.sh [--runs N] [--corpus DIR] [CRATE...]
#
#   CRATE      corpus crates to use (default: tide kube-runtime)
#   --runs N   runs per measurement; medians are printed (default 3)
#
# Measured per crate, each with an empty project cache (a fresh --cache-dir):
#   alone  the lint with --no-deps: what the project costs by itself
#   first  with dependency summaries and an empty summary store (the first run on a machine)
#   warm   with the summaries in the store (every later run, in any project)
# Times are wall-clock seconds and CPU seconds (user + system) of the whole process tree,
# peak memory is the largest resident set of the tool or of the `cargo metadata` it runs.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUNS=3
CORPUS="${APPSTRACT_CORPUS:-$HOME/.cache/appstract-corpus/vendor}"
CRATES=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) RUNS="$2"; shift ;;
    --corpus) CORPUS="$2"; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) CRATES+=("$1") ;;
  esac
  shift
done
[[ ${#CRATES[@]} -gt 0 ]] || CRATES=(tide kube-runtime)

"$ROOT/bench/corpus/fetch.sh" "$CORPUS" >&2
source "$ROOT/bench/corpus/project.sh"
(cd "$ROOT" && cargo build --release --quiet)
BIN="$ROOT/target/release/cargo-appstract-lint"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/appstract-deps.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# One run: prints "wall cpu peak_kib".
measure() {
  local dir="$1" store="$2"; shift 2
  local out="$WORK/time.txt"
  (cd "$dir" && APPSTRACT_LINT_SUMMARIES="$store" /usr/bin/time -f "%e %U %S %M" -o "$out" \
    "$BIN" -q --message-format short --cache-dir "$WORK/cache.$RANDOM$RANDOM" "$@" >/dev/null 2>&1) || true
  awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$out"
}

printf '%-14s %-6s %9s %9s %9s\n' crate run wall cpu peak_MiB
for crate in "${CRATES[@]}"; do
  src="$( (ls -d "$CORPUS/$crate" "$CORPUS/$crate"-[0-9]* 2>/dev/null || true) | head -1)"
  dir="$WORK/$crate"
  if ! corpus_project "$src" "$dir" "$CORPUS"; then
    echo "$crate: its dependencies do not all resolve in the corpus; skipped" >&2
    continue
  fi
  # Round after round, the three in turn, so that the machine's drift hits them alike.
  : > "$WORK/alone.txt"; : > "$WORK/first.txt"; : > "$WORK/warm.txt"
  for _ in $(seq "$RUNS"); do
    store="$WORK/store"
    measure "$dir" "$store" --no-deps >> "$WORK/alone.txt"
    rm -rf "$store"
    measure "$dir" "$store" >> "$WORK/first.txt"
    measure "$dir" "$store" >> "$WORK/warm.txt"
  done
  for run in alone first warm; do
    wall=$(awk '{print $1}' "$WORK/$run.txt" | median)
    cpu=$(awk '{print $2}' "$WORK/$run.txt" | median)
    peak=$(awk '{print $3}' "$WORK/$run.txt" | median)
    printf '%-14s %-6s %9s %9s %9s\n' "$crate" "$run" "$wall" "$cpu" "$((peak / 1024))"
  done
done
