#!/usr/bin/env bash
# Scale benchmark (issue 8): generates synthetic corpora of 1,000 / 5,000 / 20,000 reports with
# the hidden `fazhi corpus` generator, then times, for each size:
#   - `fazhi scan`    the floor: read every byte and count one keyword;
#   - `fazhi extract` reading + extraction only (facts CSV), for extraction MB/s per core;
#   - `fazhi run`     end to end (extract, analyse, charts, page, CSV, XLSX, briefing).
# Each measurement is repeated RUNS times; the script prints the median, min and max wall time,
# the peak resident memory (GNU time's %M, the largest over the runs) and the run/scan ratio.
#
# Usage: scripts/bench_scale.sh [SIZES...]     e.g. scripts/bench_scale.sh 1000 20000
# Env:   RUNS (default 5), CORPUS_DIR (default /tmp/fazhi-corpus), OUT_DIR (default
#        /tmp/fazhi-out), FAZHI_BIN (default: build with `cargo build --release` and copy the
#        binary aside, so a concurrent build in a shared target folder cannot swap it mid-run).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
CORPUS_DIR=${CORPUS_DIR:-/tmp/fazhi-corpus}
OUT_DIR=${OUT_DIR:-/tmp/fazhi-out}
SIZES=("$@")
[[ ${#SIZES[@]} -gt 0 ]] || SIZES=(1000 5000 20000)

if [[ -z ${FAZHI_BIN:-} ]]; then
  cargo build --release --quiet
  FAZHI_BIN=$(mktemp -d)/fazhi
  cp "${CARGO_TARGET_DIR:-target}/release/fazhi" "$FAZHI_BIN"
fi
BIN=$FAZHI_BIN
TIMES=$(mktemp)

# time_cmd CMD...: runs CMD RUNS times, prints "median min max peak_kib".
time_cmd() {
  local times=() peak=0
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -o "$TIMES" -f '%e %M' "$@" >/dev/null 2>&1
    local out
    out=$(tail -1 "$TIMES")
    times+=("${out% *}")
    local m=${out#* }
    (( m > peak )) && peak=$m
  done
  local sorted
  sorted=$(printf '%s\n' "${times[@]}" | sort -g)
  local median min max
  median=$(echo "$sorted" | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
  min=$(echo "$sorted" | head -1); max=$(echo "$sorted" | tail -1)
  echo "$median $min $max $peak"
}

cores=$(nproc)
echo "# $(date -u +%FT%TZ) $(uname -m) nproc=$cores mem=$(free -g | awk '/Mem:/ {print $2}')G load=$(cut -d' ' -f1-3 /proc/loadavg) runs=$RUNS"
printf '%-7s %5s | %-19s %8s %6s | %-19s %8s %13s | %6s\n' \
  reports MB "run s (med min-max)" peak_MiB page_MB "extract s" peak_MiB "MB/s per core" floor_s
for n in "${SIZES[@]}"; do
  dir="$CORPUS_DIR/$n"
  if [[ ! -d $dir ]]; then
    "$BIN" corpus --count "$n" -o "$dir" >/dev/null
  fi
  bytes=$(du -sb "$dir" | cut -f1)
  mb=$(awk -v b="$bytes" 'BEGIN { printf "%.0f", b / 1e6 }')
  read -r fmed _ _ _ < <(time_cmd "$BIN" scan "$dir")
  read -r emed emin emax epeak < <(time_cmd "$BIN" extract "$dir" -q -o "$OUT_DIR/facts-$n.csv")
  read -r med min max peak < <(time_cmd "$BIN" run "$dir" -q -o "$OUT_DIR/$n")
  page=$(awk -v b="$(stat -c %s "$OUT_DIR/$n/index.html")" 'BEGIN { printf "%.1f", b / 1048576 }')
  mbs=$(awk -v b="$bytes" -v t="$emed" -v c="$cores" 'BEGIN { printf "%.1f", (t > 0 ? b / 1e6 / t / c : 0) }')
  ratio=$(awk -v a="$med" -v b="$fmed" 'BEGIN { printf "%.0f", (b > 0 ? a / b : 0) }')
  printf '%-7s %5s | %6s %5s-%-6s %8d %6s | %5s %5s-%-6s %8d %13s | %6s  run/floor=%sx\n' \
    "$n" "$mb" "$med" "$min" "$max" $((peak / 1024)) "$page" \
    "$emed" "$emin" "$emax" $((epeak / 1024)) "$mbs" "$fmed" "$ratio"
done
rm -f "$TIMES"
