#!/usr/bin/env bash
# The performance benchmark: the lint against the parse floor, on one core and on all cores,
# a cached re-run after one file changed, and peak memory, on a pinned corpus of published
# async-Rust crates (vendored with `cargo vendor`, see bench/corpus/).
#
#   bench/run.sh [--subset | --full] [--runs N] [--clippy] [--lsp] [--corpus DIR]
#
#   --subset   the ~1M-line subset named in bench/subset-1m.txt (default)
#   --full     the whole corpus (~39k files, ~16M lines)
#   --runs N   runs per measurement; medians are printed (default 3)
#   --clippy   also time a warm `cargo clippy` on one corpus crate (axum) beside the lint of it
#              (needs the crate's dependencies from crates.io, or in cargo's cache)
#   --lsp      instead of (a)-(d): the language server on the corpus crates made one cargo
#              workspace: its first diagnostics and peak memory beside the CLI's cold run, and
#              the time from each `didChange` to the `publishDiagnostics` of that version
#              (bench/lsp_bench.rs, `--edits` edits per file, 60 by default)
#   --corpus   where the corpus is (default: $APPSTRACT_CORPUS or
#              ~/.cache/appstract-corpus/vendor); fetched there when missing
#
# Measured, each as the whole process (wall-clock seconds, peak RSS):
#   (a) parse floor: read + `syn::parse_file` of the same files on one thread, in the same
#       binary (`--parse-only`)
#   (b) the lint with `-j1` and no cache
#   (c) the lint on all cores and no cache
#   (d) the lint on all cores with a warm cache, after one file changed
# Wall-clock times depend on what else the machine runs: measure on an idle machine.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MODE=subset
RUNS=3
CLIPPY=0
LSP=0
EDITS=60
CORPUS="${APPSTRACT_CORPUS:-$HOME/.cache/appstract-corpus/vendor}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --subset) MODE=subset ;;
    --full) MODE=full ;;
    --runs) RUNS="$2"; shift ;;
    --clippy) CLIPPY=1 ;;
    --lsp) LSP=1 ;;
    --edits) EDITS="$2"; shift ;;
    --corpus) CORPUS="$2"; shift ;;
    -h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done

"$ROOT/bench/corpus/fetch.sh" "$CORPUS" >&2
(cd "$ROOT" && cargo build --release --quiet)
BIN="$ROOT/target/release/cargo-appstract-lint"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/appstract-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# The inputs, as a tree of hard links (or copies, across file systems), so that (d) can change
# a file without touching the corpus.
if [[ $MODE == subset ]]; then
  mapfile -t CRATES < <(grep -v '^#' "$ROOT/bench/subset-1m.txt")
else
  mapfile -t CRATES < <(ls "$CORPUS")
fi
mkdir -p "$WORK/in"
for crate in "${CRATES[@]}"; do
  cp -al "$CORPUS/$crate" "$WORK/in/$crate" 2>/dev/null || cp -a "$CORPUS/$crate" "$WORK/in/$crate"
done
INPUTS=("$WORK/in")
FILES=$(find "$WORK/in" -name '*.rs' | wc -l)
LINES=$(find "$WORK/in" -name '*.rs' -print0 | xargs -0 cat | wc -l)
# The file changed before each cached run: the first crate's first root file.
EDITED=$(find "$WORK/in/${CRATES[0]}" -name lib.rs -path '*/src/*' | sort | head -1)

have_time=0
if /usr/bin/time -f %e true 2>/dev/null; then have_time=1; fi


# once LABEL ARGS...: runs the binary once, appends "seconds rss_kib" to LABEL's record.
once() {
  local label="$1"; shift
  if [[ $have_time == 1 ]]; then
    /usr/bin/time -f '%e %M' -o "$WORK/time.out" "$BIN" "$@" > /dev/null 2> "$WORK/$label.stderr" || true
    # GNU time first notes a non-zero exit status (findings) on a line of its own.
    tail -n 1 "$WORK/time.out" >> "$WORK/$label.times"
  else
    local start end
    start=$(date +%s.%N)
    "$BIN" "$@" > /dev/null 2> "$WORK/$label.stderr" || true
    end=$(date +%s.%N)
    echo "$(echo "$end - $start" | bc) 0" >> "$WORK/$label.times"
  fi
}

# run LABEL ARGS...: runs the binary RUNS times in a row (for the --clippy comparison).
run() {
  local label="$1"; shift
  : > "$WORK/$label.times"
  for ((i = 1; i <= RUNS; i++)); do
    once "$label" "$@"
  done
}

# A different change each time, so each cached run re-analyses exactly one file.
edit_one_file() {
  local tmp="$EDITED.bench-tmp"
  cp "$EDITED" "$tmp"
  printf '\n// bench edit %s\n' "$1" >> "$tmp"
  mv "$tmp" "$EDITED"
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
seconds() { cut -d' ' -f1 "$WORK/$1.times" | median; }
rss_mib() { cut -d' ' -f2 "$WORK/$1.times" | sort -n | tail -1 | awk '{ printf "%.0f", $1 / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

if [[ $LSP == 1 ]]; then
  # The crates as members of one workspace, as an editor opens it.
  {
    echo '[workspace]'
    echo 'resolver = "2"'
    printf 'members = ['
    printf '"%s", ' "${CRATES[@]}"
    echo ']'
  } > "$WORK/in/Cargo.toml"
  (cd "$ROOT" && cargo build --quiet --example lsp-bench)
  LSP_BENCH="$ROOT/target/debug/examples/lsp-bench"
  # Files in a large crate (tokio's library: 379 files), a middle one and a small one.
  EDIT_FILES=()
  for file in tokio/src/sync/mutex.rs axum/src/routing/mod.rs hyper/src/proto/h2/client.rs; do
    [[ -f "$WORK/in/$file" ]] && EDIT_FILES+=(--file "$file")
  done
  echo "workspace: ${#CRATES[@]} members, $FILES files, $LINES lines; $(nproc) cores; $RUNS rounds" >&2
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  : > "$WORK/cli.times"
  for ((i = 1; i <= RUNS; i++)); do
    (cd "$WORK/in" && /usr/bin/time -f '%e %M' -o "$WORK/time.out" "$BIN" --no-cache -q \
      --message-format short -o "$WORK/findings.txt" > /dev/null 2>&1 || true)
    tail -n 1 "$WORK/time.out" >> "$WORK/cli.times"
    echo "CLI cold run: $(tail -n 1 "$WORK/cli.times" | awk '{ printf "%s s, peak %.0f MiB", $1, $2 / 1024 }')"
    "$LSP_BENCH" --bin "$BIN" --root "$WORK/in" --edits "$EDITS" "${EDIT_FILES[@]}" -- --no-cache \
      | tee -a "$WORK/lsp.out"
  done
  echo
  echo "CLI cold run (--no-cache) at the workspace root, median of $RUNS: $(cut -d' ' -f1 "$WORK/cli.times" | median) s, peak $(cut -d' ' -f2 "$WORK/cli.times" | median | awk '{ printf "%.0f", $1 / 1024 }') MiB"
  echo "server, median of $RUNS: first diagnostics $(grep '^first diagnostics' "$WORK/lsp.out" | awk '{ print $3 }' | median) s, peak $(grep '^server peak memory' "$WORK/lsp.out" | awk '{ print $4 }' | median) MiB"
  for file in tokio/src/sync/mutex.rs axum/src/routing/mod.rs hyper/src/proto/h2/client.rs; do
    grep -q "^$file: didChange" "$WORK/lsp.out" || continue
    echo "$file: didChange -> publishDiagnostics, median over rounds: p50 $(grep "^$file: didChange" "$WORK/lsp.out" | sed 's/.*p50 \([0-9.]*\).*/\1/' | median) ms, p95 $(grep "^$file: didChange" "$WORK/lsp.out" | sed 's/.*p95 \([0-9.]*\).*/\1/' | median) ms"
  done
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi

COMMON=(-q --message-format short -o "$WORK/findings.txt")
echo "corpus: $MODE, ${#CRATES[@]} crates, $FILES files, $LINES lines; $(nproc) cores; $RUNS runs each" >&2
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# Rounds of (a), (b), (c), (d) in turn, so that a machine whose speed drifts during the
# benchmark slows all four alike; the ratios are also taken within each round.
"$BIN" "${COMMON[@]}" --cache-dir "$WORK/cache" "${INPUTS[@]}" > /dev/null 2>&1 || true
for label in a b c d; do : > "$WORK/$label.times"; done
for ((i = 1; i <= RUNS; i++)); do
  once a --parse-only "${INPUTS[@]}"
  once b "${COMMON[@]}" --no-cache -j1 "${INPUTS[@]}"
  once c "${COMMON[@]}" --no-cache "${INPUTS[@]}"
  edit_one_file "$i"
  once d "${COMMON[@]}" --cache-dir "$WORK/cache" "${INPUTS[@]}"
done

A=$(seconds a); B=$(seconds b); C=$(seconds c); D=$(seconds d)
# round_ratio X Y: the median over rounds of X's time over Y's.
round_ratio() {
  paste -d' ' <(cut -d' ' -f1 "$WORK/$1.times") <(cut -d' ' -f1 "$WORK/$2.times") |
    awk '{ if ($2 > 0) printf "%.4f\n", $1 / $2 }' | median | awk '{ printf "%.2f", $1 }'
}
printf '\n%-46s %9s %9s\n' "median of $RUNS ($MODE corpus, $LINES lines)" seconds "peak MiB"
printf '%-46s %9s %9s\n' "(a) parse floor: read + parse, 1 thread" "$A" "$(rss_mib a)"
printf '%-46s %9s %9s\n' "(b) lint, -j1" "$B" "$(rss_mib b)"
printf '%-46s %9s %9s\n' "(c) lint, all $(nproc) cores" "$C" "$(rss_mib c)"
printf '%-46s %9s %9s\n' "(d) lint, all cores, cached, 1 file changed" "$D" "$(rss_mib d)"
echo
echo "ratios of the medians, and (in brackets) the median of the ratios within each round:"
printf '(b)/(a) = %s [%s]   (target <= 1.15)\n' "$(ratio "$B" "$A")" "$(round_ratio b a)"
printf '(b)/(c) = %s [%s]   (target >= 1.7 on 2 cores)\n' "$(ratio "$B" "$C")" "$(round_ratio b c)"
printf '(d)/(b) = %s [%s]   (target <= 0.05)\n' "$(ratio "$D" "$B")" "$(round_ratio d b)"
grep -h '^parse-only' "$WORK/a.stderr" || true
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

if [[ $CLIPPY == 1 ]]; then
  crate=axum
  cp -a "$CORPUS/$crate" "$WORK/$crate"
  rm -f "$WORK/$crate/.cargo-checksum.json"
  (cd "$WORK/$crate" && cargo clippy --quiet > /dev/null 2>&1) || {
    echo "cargo clippy could not build $crate (its dependencies are needed): skipped" >&2
    exit 0
  }
  : > "$WORK/clippy.times"
  for ((i = 1; i <= RUNS; i++)); do
    touch "$WORK/$crate/src/lib.rs"
    start=$(date +%s%N)
    (cd "$WORK/$crate" && cargo clippy --quiet > /dev/null 2>&1) || true
    end=$(date +%s%N)
    echo "$(( (end - start) / 1000000 ))" | awk '{ print $1 / 1000 }' >> "$WORK/clippy.times"
  done
  INPUTS=("$WORK/$crate")
  run lint1 "${COMMON[@]}" --no-cache "${INPUTS[@]}"
  CL=$(median < "$WORK/clippy.times"); L1=$(seconds lint1)
  echo
  printf '%-46s %9s\n' "warm cargo clippy on $crate (one file touched)" "$CL"
  printf '%-46s %9s\n' "lint of $crate, no cache" "$L1"
  printf 'clippy / lint = %s   (target >= 20)\n' "$(ratio "$CL" "$L1")"
fi
