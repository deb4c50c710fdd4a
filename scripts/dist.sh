#!/usr/bin/env bash
# Assembles the static site a course author hosts (./build.sh dist runs it
# after building the wasm package): DEST gets the pages (index.html,
# lessons.html, kubernetes.html, embed.html, demo.html), raft-lab.js and the modules it
# loads, the style sheets, the catalogues, the package (glue, wasm, the
# bundle of index.html and its chunks), the lessons and the scenarios.
# Every URL in them is relative, so the folder works from any static host
# and any subpath (https://example.org/notes/raftlab/); this script fails
# if one is not.
#   scripts/dist.sh DEST
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:?usage: scripts/dist.sh DEST}
[ -f www/pkg/raftlab_bg.wasm ] && [ -f www/pkg-kube/raftlab_bg.wasm ] || { echo "dist: www/pkg is not built (./build.sh dist builds it)" >&2; exit 1; }

rm -rf "$dest"
mkdir -p "$dest/pkg/chunks" "$dest/pkg-kube" "$dest/i18n" "$dest/lessons" "$dest/scenarios"
cp www/*.html www/*.js www/*.css "$dest/"
cp www/i18n/*.js "$dest/i18n/"
cp www/pkg/raftlab.js www/pkg/raftlab_bg.wasm www/pkg/app.min.js www/pkg/page.min.css www/pkg/lab-fuzz-worker.js "$dest/pkg/"
cp www/pkg/chunks/*.js "$dest/pkg/chunks/"
cp www/pkg-kube/raftlab.js www/pkg-kube/raftlab_bg.wasm "$dest/pkg-kube/"
cp www/lessons/*.txt "$dest/lessons/"
cp www/scenarios/*.txt "$dest/scenarios/"
cat >"$dest/README.txt" <<'TXT'
Raft Lab, a static copy for course notes. Put this folder anywhere on a
static host (a subpath is fine: every URL inside is relative), then:

  <script type="module" src="raftlab/raft-lab.js"></script>
  <raft-lab lesson="leader-election"></raft-lab>
  <raft-lab src="raftlab/scenarios/partition-3-4.txt" controls="play,step,log"></raft-lab>
  <iframe src="raftlab/embed.html#lesson=partitions&lang=ko" width="900" height="640"></iframe>

(src= is relative to your page; lesson= needs only the lesson's name.)
lessons.html has every lesson in order; index.html is the free lab.
TXT

# Relative URLs only: no src/href/url()/import/fetch that starts with "/"
# (a scheme-relative "//" included).
bad=$(grep -rnE "(src|href)=\"/|url\(\s*['\"]?/|from ['\"]/|import\(['\"]/|fetch\(['\"]/" \
  "$dest" --include='*.html' --include='*.js' --include='*.css' || true)
if [ -n "$bad" ]; then
  echo "dist: absolute URLs would break on a subpath:" >&2
  echo "$bad" >&2
  exit 1
fi
echo "dist: $(find "$dest" -type f | wc -l) files, $(du -sk "$dest" | cut -f1) KiB in $dest"
