#!/usr/bin/env bash
# Scale benchmark (issue 8): generates synthetic corpora of 1,000 / 5,000 / 20,000 reports with
# the hidden `fazhi corpus` generator, then times, for each size, `fazhi run` end to end
# (extract, analyse, charts, page, CSV, XLSX) against the floor `fazhi scan` (read every byte
# and count one keyword). Each measurement is repeated RUNS times; the script prints the median,
# min and max wall time, the peak resident memory (GNU time's %M) and the ratio to the floor.
#
# Usage: scripts/bench_scale.sh [SIZES...]     e.g. scripts/bench_scale.sh 1000 20000
# Env:   RUNS (default 5), CORPUS_DIR (default /tmp/fazhi-corpus), OUT_DIR (default /tmp/fazhi-out)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
CORPUS_DIR=${CORPUS_DIR:-/tmp/fazhi-corpus}
OUT_DIR=${OUT_DIR:-/tmp/fazhi-out}
SIZES=("$@")
[[ ${#SIZES[@]} -gt 0 ]] || SIZES=(1000 5000 20000)

cargo build --release --quiet
BIN=target/release/fazhi

# time_cmd LABEL CMD...: runs CMD RUNS times, prints "LABEL median min max peak_kib".
time_cmd() {
  local label=$1; shift
  local times=() peak=0
  for _ in $(seq "$RUNS"); do
    local out
    out=$( { /usr/bin/time -f '%e %M' "$@" >/dev/null 2>/dev/null; } 2>&1 | tail -1 )
    times+=("${out% *}")
    local m=${out#* }
    (( m > peak )) && peak=$m
  done
  local sorted
  sorted=$(printf '%s\n' "${times[@]}" | sort -g)
  local median min max
  median=$(echo "$sorted" | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
  min=$(echo "$sorted" | head -1); max=$(echo "$sorted" | tail -1)
  echo "$label $median $min $max $peak"
}

printf '%-8s %-10s %8s %8s %8s %10s %8s %8s\n' reports MB median_s min_s max_s peak_MiB floor_s ratio
for n in "${SIZES[@]}"; do
  dir="$CORPUS_DIR/$n"
  if [[ ! -d $dir ]]; then
    "$BIN" corpus --count "$n" -o "$dir" >/dev/null
  fi
  mb=$(du -sm "$dir" | cut -f1)
  read -r _ fmed _ _ _ < <(time_cmd scan "$BIN" scan "$dir")
  read -r _ med min max peak < <(time_cmd run "$BIN" run "$dir" -q -o "$OUT_DIR/$n")
  ratio=$(awk -v a="$med" -v b="$fmed" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')
  printf '%-8s %-10s %8s %8s %8s %10d %8s %8s\n' "$n" "$mb" "$med" "$min" "$max" $((peak / 1024)) "$fmed" "$ratio"
done
