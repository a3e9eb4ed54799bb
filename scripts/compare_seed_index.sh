#!/usr/bin/env bash
# Time `docbot index --full` of the seed corpus with an older code tree and with this one, in one
# run, alternating (so load from other work falls on both alike); prints each time and the ratio.
#   bash scripts/compare_seed_index.sh OLD_TREE [ROUNDS] [VECTOR_CACHE]
# OLD_TREE: a checkout of the old code (e.g. `git archive main | tar -x -C var/old`).
# VECTOR_CACHE: a vectors.sqlite from an earlier index of the seed corpus, copied into each fresh
# data dir so both trees reuse the same vectors (embedding is the same code in both and would only
# add noise); without it each run embeds everything (~20 min on 2 shared cores).
set -euo pipefail
cd "$(dirname "$0")/.."
OLD="$(cd "$1" && pwd)"; ROUNDS="${2:-2}"; CACHE="${3:-}"
MODELS="$(readlink -f var/models)"
run() {  # tree -> seconds
  local tree="$1" data
  data="$(mktemp -d "${TMPDIR:-/tmp}/docbot-time-XXXX")"
  ln -s "$MODELS" "$data/models"
  if [ -n "$CACHE" ]; then mkdir "$data/cache"; cp "$CACHE" "$data/cache/vectors.sqlite"; fi
  local t0 t1
  t0=$(date +%s.%N)
  (cd "$tree" && DOCBOT_DATA_DIR="$data" DOCBOT_CORPUS_DIR="$PWD/corpus" PYTHONPATH="$tree" \
    "$OLDPWD/.venv/bin/python" -m bot.cli index --full >/dev/null 2>&1)
  t1=$(date +%s.%N)
  rm -rf "$data"
  awk "BEGIN{printf \"%.1f\", $t1 - $t0}"
}
old_total=0; new_total=0
for i in $(seq "$ROUNDS"); do
  o=$(run "$OLD"); n=$(run "$PWD")
  echo "round $i: old ${o}s  new ${n}s"
  old_total=$(awk "BEGIN{print $old_total + $o}"); new_total=$(awk "BEGIN{print $new_total + $n}")
done
echo "total: old ${old_total}s  new ${new_total}s  ratio new/old $(awk "BEGIN{printf \"%.3f\", $new_total / $old_total}")"
