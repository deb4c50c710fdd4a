#!/usr/bin/env bash
# Raft Lab build and test entry point.
#   ./build.sh test    every test: native unit, integration and property tests,
#                      scenario files, the wasm32 build of the engine, and fuzzing
#   ./build.sh serve   (the browser visualizer is the next milestone)
# Installs what it needs (the wasm32 target) idempotently: fast when present.
set -euo pipefail
cd "$(dirname "$0")"

log() { printf '\n==> %s\n' "$*"; }

ensure_rust() {
  if ! command -v cargo >/dev/null 2>&1; then
    echo "build.sh: cargo is not installed; install Rust with rustup first" >&2
    exit 1
  fi
  if command -v rustup >/dev/null 2>&1 && ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "installing the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

# Fuzz size for the test run; CI and local runs use the same figures.
FUZZ_SEEDS=${FUZZ_SEEDS:-1000}
FUZZ_DURATION=${FUZZ_DURATION:-30s}

cmd_test() {
  ensure_rust
  log "native tests (unit, per-rule, scenario, determinism, parser properties)"
  cargo test --all-targets
  log "the engine builds for the browser (wasm32)"
  cargo build --lib --release --target wasm32-unknown-unknown
  log "release CLI"
  cargo build --release --bin raftlab
  log "scenario files: expectation blocks"
  ./target/release/raftlab check tests/scenarios/*.txt examples/*.txt
  log "fuzz: $FUZZ_SEEDS seeds x $FUZZ_DURATION simulated per cluster size, every fault"
  for nodes in 5 3 7 9; do
    ./target/release/raftlab fuzz --seeds "$FUZZ_SEEDS" --nodes "$nodes" --duration "$FUZZ_DURATION" \
      --faults crash,partition,cut,loss,duplicate,drop
  done
  log "all tests passed"
}

cmd_serve() {
  echo "build.sh serve: the browser visualizer is not built yet." >&2
  echo "See the engine at work with: cargo run --release --bin raftlab -- run examples/leader-crash.txt" >&2
  exit 1
}

case "${1:-}" in
  test) cmd_test ;;
  serve) cmd_serve ;;
  *) echo "usage: ./build.sh test | serve" >&2; exit 2 ;;
esac
