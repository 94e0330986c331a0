# Sourced by the benchmarks: makes a corpus crate a cargo project of its own.
#
#   corpus_project SRC DIR CORPUS
#
# copies SRC to DIR without its lock file, checksums and dev-dependencies, points crates.io at
# the vendored CORPUS (a `[source]` replacement, as `cargo vendor` sets up) and writes its
# `Cargo.lock`, offline. Fails when a dependency does not resolve in the corpus.
corpus_project() {
  local src="$1" dir="$2" corpus="$3"
  cp -r "$src" "$dir"
  rm -f "$dir/Cargo.lock" "$dir/.cargo-checksum.json"
  awk '/^\[/ { skip = ($0 ~ /dev-dependencies/) } !skip' "$src/Cargo.toml" > "$dir/Cargo.toml"
  mkdir -p "$dir/.cargo"
  printf '[source.crates-io]\nreplace-with = "corpus"\n\n[source.corpus]\ndirectory = "%s"\n' "$corpus" \
    > "$dir/.cargo/config.toml"
  (cd "$dir" && timeout 60 cargo generate-lockfile --offline --quiet 2>/dev/null)
}
