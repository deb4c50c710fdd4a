#!/usr/bin/env bash
# Raft Lab build and test entry point.
#   ./build.sh test    every test: native unit, integration and property tests,
#                      scenario files, fuzzing, then the browser: the wasm package,
#                      wasm-bindgen-test in headless Chromium, end-to-end page tests
#   ./build.sh serve   build the browser package and serve www/ on
#                      http://127.0.0.1:8080 (PORT overrides)
#   ./build.sh pkg     build the browser package only (www/pkg/: wasm, bundle, styles)
#   ./build.sh lint    cargo fmt --check and cargo clippy (native, wasm32), warnings denied
#                      (also the first step of test)
#   ./build.sh bench   build the package and measure per-frame work, time-travel jumps and
#                      memory (a simulated day in headless Chromium; the CLI's hour)
#   ./build.sh dist    build the package and write the static site for course authors:
#                      dist/raftlab/ and dist/raftlab.tar.gz (relative URLs only)
# Installs what it needs idempotently: fast when everything is present.
set -euo pipefail
cd "$(dirname "$0")"

log() { printf '\n==> [%ds] %s\n' "$SECONDS" "$*"; }

ensure_rust() {
  if ! command -v cargo >/dev/null 2>&1; then
    echo "build.sh: cargo is not installed; install Rust with rustup first" >&2
    exit 1
  fi
  if command -v rustup >/dev/null 2>&1 && ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "installing the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if command -v rustup >/dev/null 2>&1; then
    local c
    for c in rustfmt clippy; do
      if ! rustup component list --installed | grep -q "^$c"; then
        log "installing the $c component"
        rustup component add "$c"
      fi
    done
  fi
}

# The code stays clean: formatted as rustfmt.toml says, and no clippy
# warning natively or for the browser build (wasm32).
cmd_lint() {
  ensure_rust
  log "lint: cargo fmt --check, cargo clippy (native and wasm32), warnings denied"
  cargo fmt --check
  cargo clippy --all-targets -- -D warnings
  cargo clippy --lib --test web --target wasm32-unknown-unknown -- -D warnings
  cargo clippy --lib --target wasm32-unknown-unknown --features kube -- -D warnings
}

# The wasm-bindgen version Cargo.lock records (the CLI must match it exactly);
# before the lock names it, the exact pin in Cargo.toml.
wasm_bindgen_version() {
  local v
  v=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock 2>/dev/null || true)
  if [ -z "$v" ]; then
    v=$(sed -n 's/^wasm-bindgen *= *"=\([0-9.]*\)".*/\1/p' Cargo.toml | head -n1)
  fi
  [ -n "$v" ] || { echo "build.sh: cannot find the wasm-bindgen version in Cargo.lock or Cargo.toml" >&2; exit 1; }
  echo "$v"
}

ensure_wasm_bindgen() {
  local want have
  want=$(wasm_bindgen_version)
  have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
  if [ "$have" = "$want" ] && command -v wasm-bindgen-test-runner >/dev/null 2>&1; then
    return
  fi
  log "installing wasm-bindgen-cli $want (found: ${have:-none}); this takes a few minutes once"
  cargo install wasm-bindgen-cli --version "=$want" --locked \
    || cargo install wasm-bindgen-cli --version "=$want"
}

# Debian packages: installed only when the command is missing; apt-get update
# runs only then.
apt_ensure() { # apt_ensure "command:package" ...
  local missing=() pair
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "build.sh: missing ${missing[*]} and no apt-get to install them" >&2
    return 1
  fi
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  log "installing ${missing[*]}"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "${missing[@]}"
}

ensure_node() {
  apt_ensure node:nodejs npm:npm
  local dir=tests/e2e stamp sum
  stamp="$dir/node_modules/.raftlab-installed"
  sum=$(cat "$dir/package.json" "$dir/package-lock.json" 2>/dev/null | sha256sum | awk '{ print $1 }')
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
    return
  fi
  log "installing the end-to-end test packages (tests/e2e)"
  if [ -f "$dir/package-lock.json" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund)
  else
    (cd "$dir" && npm install --no-audit --no-fund)
  fi
  echo "$sum" >"$stamp"
}

# The browser packages: www/pkg/raftlab.js and raftlab_bg.wasm, which every
# page but one loads, and www/pkg-kube/, the same with the cargo feature
# `kube` (the Kubernetes view's drawing and geometry), which only
# kubernetes.html loads. The second builds in a target directory of its own,
# so that neither build undoes the other's.
WASM_OPT_FLAGS=(-Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)
wasm_package() { # wasm_package OUT_DIR TARGET_DIR [cargo options...]
  local out=$1 target=$2
  shift 2
  cargo build --lib --profile wasm --target wasm32-unknown-unknown --target-dir "$target" "$@"
  local wasm=$target/wasm32-unknown-unknown/wasm/raftlab.wasm
  if command -v wasm-opt >/dev/null 2>&1; then
    # wasm-opt runs on the module before wasm-bindgen, never after: an older
    # binaryen (Debian 12 ships 108) either cannot parse the table.fill that
    # wasm-bindgen emits or, when it can, writes an externref table the
    # browser refuses ("WebAssembly.Table.set(): Argument 1 is invalid").
    wasm-opt "${WASM_OPT_FLAGS[@]}" "$wasm" -o "$target/raftlab.opt.wasm"
    wasm-bindgen --target web --out-dir "$out" --out-name raftlab "$target/raftlab.opt.wasm"
  else
    wasm-bindgen --target web --out-dir "$out" --out-name raftlab "$wasm"
  fi
  ls -l "$out/raftlab_bg.wasm"
}
build_pkg() {
  ensure_rust
  ensure_wasm_bindgen
  apt_ensure wasm-opt:binaryen || echo "build.sh: no wasm-opt; the package stays unoptimized" >&2
  log "wasm packages: cargo build (release, wasm32) + wasm-bindgen --target web + wasm-opt; www/pkg-kube with --features kube"
  wasm_package www/pkg target
  wasm_package www/pkg-kube target/pkg-kube --features kube
  bundle_js
}

# The page's JavaScript: www/app.js, the modules it imports and the
# wasm-bindgen glue as one minified module, www/pkg/app.min.js, which
# index.html loads (fewer, smaller transfers than separate files); what a
# page loads only on demand (another language's catalogue, the legend's and
# help's texts) goes into chunks of its own in www/pkg/chunks/. The page's
# two style sheets become one minified www/pkg/page.min.css. embed.html and
# raft-lab.js load the modules and lab.css in www/ as they are.
bundle_js() {
  ensure_node
  log "page bundle: esbuild www/app.js -> www/pkg/app.min.js (+ chunks), www/pkg/page.min.css"
  rm -rf www/pkg/chunks
  tests/e2e/node_modules/.bin/esbuild www/app.js --bundle --minify --format=esm --target=es2022 \
    --splitting --entry-names='[name].min' --chunk-names='chunks/[name]-[hash]' \
    --sourcemap --log-level=warning --outdir=www/pkg
  # The counterexample search's Web Worker (www/lab-fuzz-worker.js) with the
  # engine's glue: the bundle starts it as ./lab-fuzz-worker.js next to
  # itself (lab-search.js), so it lives in www/pkg/ beside the wasm.
  tests/e2e/node_modules/.bin/esbuild www/lab-fuzz-worker.js --bundle --minify --format=esm --target=es2022 \
    --log-level=warning --outfile=www/pkg/lab-fuzz-worker.js
  cat www/lab.css www/style.css | tests/e2e/node_modules/.bin/esbuild --loader=css --minify \
    --log-level=warning >www/pkg/page.min.css
}

# Fuzz size for the test run; CI and local runs use the same figures. 500
# seeds a size keep the sweep near a minute on 2 cores (1,000 took 141 s of
# a 618 s run); the deep sweeps (10,000 seeds a size) are measured apart
# (README, docs/fuzzing.md). FUZZ_SEEDS=1000 ./build.sh test for more.
FUZZ_SEEDS=${FUZZ_SEEDS:-500}
FUZZ_DURATION=${FUZZ_DURATION:-30s}
KUBE_FUZZ_SEEDS=${KUBE_FUZZ_SEEDS:-300}
# Mutation testing: with each rule off, the swarm must find a violation in
# this seed range at 3 nodes (the first breaking seed, measured; docs/fuzzing.md).
LESIONS=(
  "vote-up-to-date --start 6 --seeds 2"
  "vote-once --start 1 --seeds 2"
  "persist-vote --start 33 --seeds 2"
  "persist-term --start 1 --seeds 2"
  "persist-log --start 1 --seeds 2"
  "truncate-on-conflict --start 1 --seeds 2"
  "commit-current-term --start 13 --seeds 2"
  "follower-commit-bound --start 1 --seeds 2"
)

cmd_test() {
  cmd_lint
  log "native tests (unit, per-rule, scenario, determinism, parser properties)"
  cargo test --lib --bins --tests
  # Benchmarks are compiled, not run, here: `cargo bench` runs them.
  cargo test --benches --no-run
  log "the engine builds for the browser (wasm32)"
  cargo build --lib --profile wasm --target wasm32-unknown-unknown
  log "release CLI"
  cargo build --release --bin raftlab
  log "scenario files: expectation blocks"
  ./target/release/raftlab check tests/scenarios/*.txt tests/scenarios/found/*.txt examples/*.txt www/scenarios/*.txt
  ./target/release/raftlab check www/lessons/*.txt
  log "fuzz: $FUZZ_SEEDS seeds x $FUZZ_DURATION simulated per cluster size, every fault"
  for nodes in 5 3 7 9; do
    ./target/release/raftlab fuzz --seeds "$FUZZ_SEEDS" --nodes "$nodes" --duration "$FUZZ_DURATION" \
      --faults crash,partition,cut,loss,duplicate,drop
  done
  log "fuzz: each lesion found by the swarm within a fixed seed range (docs/fuzzing.md)"
  local lesion rule range
  for lesion in "${LESIONS[@]}"; do
    read -r rule range <<<"$lesion"
    summary=$(./target/release/raftlab fuzz --rule "$rule=off" --nodes 3 --duration 30s $range | tail -1 || true)
    if ! grep -Eq ' [1-9][0-9]* violations' <<<"$summary"; then
      echo "build.sh: the fuzzer no longer finds a violation with $rule off ($range): $summary" >&2
      exit 1
    fi
    echo "$rule off: violation found ($range)"
  done
  log "fuzz: Kubernetes control planes, $KUBE_FUZZ_SEEDS seeds x 60s of zone failures, machine crashes, partitions"
  ./target/release/raftlab fuzz --kubernetes stacked --control-planes 3 --zones a,b,c --seeds "$KUBE_FUZZ_SEEDS"
  ./target/release/raftlab fuzz --kubernetes external --control-planes 2 --etcd 3 --zones a,b,a,b,c \
    --seeds "$KUBE_FUZZ_SEEDS"
  ./target/release/raftlab fuzz --kubernetes stacked --control-planes 5 --zones a,a,b,b,c \
    --seeds "$((KUBE_FUZZ_SEEDS / 3))"

  build_pkg
  apt_ensure chromium:chromium chromedriver:chromium-driver
  if [ -f tests/web.rs ]; then
    log "wasm-bindgen-test in headless Chromium (tests/web.rs)"
    # .cargo/config.toml makes wasm-bindgen-test-runner the wasm32 runner;
    # webdriver.json (crate root) gives Chromium's binary and flags.
    CHROMEDRIVER=$(command -v chromedriver) WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-60} \
      cargo test --target wasm32-unknown-unknown --test web
  else
    log "no tests/web.rs: no wasm-bindgen-test suite to run"
  fi
  ensure_node
  log "end-to-end tests: the page in headless Chromium (tests/e2e)"
  (cd tests/e2e && node --test --test-concurrency=1)
  log "all tests passed"
}

cmd_serve() {
  build_pkg
  local port=${PORT:-8080}
  log "serving www/ on http://127.0.0.1:$port/ (Ctrl-C stops)"
  echo "http://127.0.0.1:$port/"
  if command -v python3 >/dev/null 2>&1; then
    exec python3 -m http.server --bind 127.0.0.1 "$port" --directory www
  fi
  apt_ensure node:nodejs
  exec node tests/e2e/serve.mjs www "$port"
}

cmd_bench() {
  build_pkg
  apt_ensure chromium:chromium
  ensure_node
  node scripts/bench-frame.mjs
  node scripts/bench-seek.mjs
  node scripts/bench-memory.mjs
  bash scripts/bench-cli-memory.sh
}

# The static site a course author hosts (README, "Hosting for course
# authors"): the pages, raft-lab.js, the wasm, the lessons and the scenarios
# in dist/raftlab/, relative URLs only, and the same as dist/raftlab.tar.gz.
cmd_dist() {
  build_pkg
  log "dist: the static site in dist/raftlab/ and dist/raftlab.tar.gz"
  bash scripts/dist.sh dist/raftlab
  tar -czf dist/raftlab.tar.gz -C dist raftlab
  ls -l dist/raftlab.tar.gz
}

case "${1:-}" in
  test) cmd_test ;;
  serve) cmd_serve ;;
  bench) cmd_bench ;;
  lint) cmd_lint ;;
  pkg) build_pkg ;;
  dist) cmd_dist ;;
  *) echo "usage: ./build.sh test | serve | bench | lint | pkg | dist" >&2; exit 2 ;;
esac
