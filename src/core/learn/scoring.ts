/**
 * How good a probability is: proper scoring rules (log loss, Brier), ranking (AUC) and
 * reliability (predicted against realised per bucket). Labels are 0 or 1; predictions are
 * probabilities of the label being 1. Plain loops: these run over every out-of-fold prediction.
 */

/** Predictions are clipped to [EPS, 1 − EPS] for the log loss, so one 0 or 1 cannot make it infinite. */
export const LOG_LOSS_EPS = 1e-15;

function checkLengths(p: ArrayLike<number>, y: ArrayLike<number>): void {
  if (p.length !== y.length) throw new RangeError(`${p.length} predictions for ${y.length} labels`);
}

/** Mean negative log-likelihood (natural log); NaN for no samples. */
export function logLoss(p: ArrayLike<number>, y: ArrayLike<number>): number {
  checkLengths(p, y);
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const q = Math.min(1 - LOG_LOSS_EPS, Math.max(LOG_LOSS_EPS, p[i]));
    sum -= y[i] === 1 ? Math.log(q) : Math.log(1 - q);
  }
  return sum / p.length;
}

/** Mean squared error of the probability (Brier 1950); NaN for no samples. */
export function brierScore(p: ArrayLike<number>, y: ArrayLike<number>): number {
  checkLengths(p, y);
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const d = p[i] - y[i];
    sum += d * d;
  }
  return sum / p.length;
}

/**
 * Area under the ROC curve: the probability that a random positive is ranked above a random
 * negative, ties counting one half (the Mann-Whitney U statistic / (n1 n0), with mid-ranks).
 * NaN when one class is absent.
 */
export function auc(p: ArrayLike<number>, y: ArrayLike<number>): number {
  checkLengths(p, y);
  const n = p.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[a] - p[b]);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && p[order[j + 1]] === p[order[i]]) j++;
    const midRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (y[order[k]] === 1) {
        positives++;
        rankSum += midRank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export interface ReliabilityBucket {
  /** Predicted probabilities in [lower, upper) (the last bucket includes 1). */
  readonly lower: number;
  readonly upper: number;
  readonly n: number;
  /** Mean prediction in the bucket; null when empty. */
  readonly predicted: number | null;
  /** Share of label 1 in the bucket; null when empty. */
  readonly realised: number | null;
}

/** Predicted against realised per equal-width bucket of the prediction (default 10 buckets). */
export function reliabilityTable(
  p: ArrayLike<number>,
  y: ArrayLike<number>,
  buckets = 10,
): ReliabilityBucket[] {
  checkLengths(p, y);
  const n = new Array<number>(buckets).fill(0);
  const sumP = new Array<number>(buckets).fill(0);
  const sumY = new Array<number>(buckets).fill(0);
  for (let i = 0; i < p.length; i++) {
    const b = Math.min(buckets - 1, Math.max(0, Math.floor(p[i] * buckets)));
    n[b]++;
    sumP[b] += p[i];
    sumY[b] += y[i];
  }
  return n.map((count, b) => ({
    lower: b / buckets,
    upper: (b + 1) / buckets,
    n: count,
    predicted: count > 0 ? sumP[b] / count : null,
    realised: count > 0 ? sumY[b] / count : null,
  }));
}

/**
 * The largest |predicted − realised| over the buckets holding at least `minCount` samples
 * (0 when none does): the "within ±x points of the diagonal" figure.
 */
export function maxCalibrationGap(table: readonly ReliabilityBucket[], minCount = 30): number {
  let worst = 0;
  for (const b of table) {
    if (b.n < minCount || b.predicted === null || b.realised === null) continue;
    worst = Math.max(worst, Math.abs(b.predicted - b.realised));
  }
  return worst;
}

/** Expected calibration error: Σ n_b |predicted_b − realised_b| / n over the buckets. */
export function expectedCalibrationError(table: readonly ReliabilityBucket[]): number {
  let total = 0;
  let sum = 0;
  for (const b of table) {
    if (b.predicted === null || b.realised === null) continue;
    total += b.n;
    sum += b.n * Math.abs(b.predicted - b.realised);
  }
  return total > 0 ? sum / total : 0;
}

export interface ProbabilityScores {
  readonly n: number;
  /** Share of label 1. */
  readonly baseRate: number;
  readonly logLoss: number;
  readonly brier: number;
  readonly auc: number;
  readonly reliability: readonly ReliabilityBucket[];
}

export function scoreProbabilities(p: ArrayLike<number>, y: ArrayLike<number>): ProbabilityScores {
  let ones = 0;
  for (let i = 0; i < y.length; i++) ones += y[i];
  return {
    n: p.length,
    baseRate: p.length > 0 ? ones / p.length : Number.NaN,
    logLoss: logLoss(p, y),
    brier: brierScore(p, y),
    auc: auc(p, y),
    reliability: reliabilityTable(p, y),
  };
}
