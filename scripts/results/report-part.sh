#!/usr/bin/env bash
# The out-of-sample report of docs/RESULTS.md part 2: the shipped defaults on the REPORT part of
# ../shared/data/ohlcv (every candle at or after 2025-07-01; earlier candles only warm up).
# Usage: bash scripts/results/report-part.sh [out-dir]   (from the repository root)
set -euo pipefail
D=${DATA:-../shared/data/ohlcv}
OUT=${1:-results-report}
mkdir -p "$OUT"
ap() { npx tsx src/cli/main.ts "$@"; }
coins=(BTC ETH SOL XRP BNB)
h1=(); m5=(); m1_2026=()
for c in "${coins[@]}"; do
  if [ -f "$D/binance_${c}USDT_1h.csv.gz" ]; then h1+=("$D/binance_${c}USDT_1h.csv.gz"); else h1+=("$D/binance_${c}USDT_1h.csv"); fi
  m5+=("$D/binance_${c}USDT_5m.csv.gz")
done
m1_2026=("$D"/binance_*USDT_1m_20260323-20260422.csv.gz "$D/binance_SOLUSDT_1m.csv.gz" "$D/binance_XRPUSDT_1m.csv.gz" "$D/binance_BNBUSDT_1m.csv.gz")
run() { # name, then backtest arguments
  local name=$1; shift
  ap backtest "$@" --from 2025-07-01 --no-store --json "$OUT/$name.json" > "$OUT/$name.txt"
  ap --model none backtest "$@" --from 2025-07-01 --no-store --baseline-runs 0 --json "$OUT/$name-formula.json" > "$OUT/$name-formula.txt"
}
run 1h "${h1[@]/#/-i}"
run 5m "${m5[@]/#/-i}"
run 1m-2025 -i "$D/binance_BTCUSDT_1m.csv.gz" -i "$D/binance_ETHUSDT_1m.csv.gz"
run 1m-2026 "${m1_2026[@]/#/-i}"
# the shipped model scored on every candidate of the report part (not only created signals)
for set in 5m 1h; do
  files=(); if [ "$set" = 5m ]; then files=("${m5[@]}"); else files=("${h1[@]}"); fi
  ap train "${files[@]/#/-i}" --from 2025-07-01 --to 2027-01-01 --evaluate models/confidence.json > "$OUT/model-$set.txt"
done
ap train "${m1_2026[@]/#/-i}" --from 2025-07-01 --to 2027-01-01 --evaluate models/confidence.json > "$OUT/model-1m-2026.txt"
echo "written to $OUT"
