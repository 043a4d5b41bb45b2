/**
 * Is the model still looking at the world it was fitted on, and does it still mean what it
 * says? Two checks, both pure:
 *
 * - feature drift: the population stability index (PSI) of each feature between the training
 *   distribution stored with the model (decile bins plus a "missing" bin) and a window of
 *   recent candidates. PSI = Σ (a − e) ln(a / e) over the bins (shares a recent, e training).
 *   Industry rule of thumb (credit scoring, e.g. Siddiqi 2006; Yurdakul 2018): < 0.1 stable,
 *   0.1-0.25 moderate shift, > 0.25 significant shift.
 * - calibration gap: mean predicted probability minus realised win rate over the last N closed
 *   outcomes. A model that says 60 % while 48 % win is overconfident by 0.12.
 *
 * Past a threshold the verdict is `drift` with the reasons; what to do then (fall back to the
 * previous model, put slices on probation) is the runtime's decision.
 */

/** A feature's training distribution: counts per bin, bins split at `edges`, plus missing. */
export interface FeatureBins {
  readonly feature: string;
  /** Ascending cut points: bin 0 is (−∞, edges[0]), bin i is [edges[i−1], edges[i]), the last [edges[last], ∞). */
  readonly edges: readonly number[];
  /** Shares per bin (edges.length + 1 of them), then the share missing (NaN or not finite) last. */
  readonly shares: readonly number[];
}

/** Shares are floored at this before the logarithm, so an empty bin gives a large but finite PSI term. */
export const PSI_FLOOR = 1e-4;

function binOf(edges: readonly number[], v: number): number {
  if (!Number.isFinite(v)) return edges.length + 1;
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v >= edges[mid]) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function shareOf(counts: readonly number[], total: number): number[] {
  return counts.map((c) => (total > 0 ? c / total : 0));
}

/** Bins a feature's training values at its deciles (fewer edges when values repeat). */
export function featureBins(feature: string, values: readonly number[], quantiles = 10): FeatureBins {
  const known = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const edges: number[] = [];
  for (let q = 1; q < quantiles; q++) {
    if (known.length === 0) break;
    const e = known[Math.min(known.length - 1, Math.floor((q * known.length) / quantiles))];
    if ((edges.length === 0 || e > edges[edges.length - 1]) && e > known[0]) edges.push(e);
  }
  const counts = new Array<number>(edges.length + 2).fill(0);
  for (const v of values) counts[binOf(edges, v)]++;
  return { feature, edges, shares: shareOf(counts, values.length) };
}

/** PSI of `values` against a training distribution. NaN for no values. */
export function populationStabilityIndex(bins: FeatureBins, values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const counts = new Array<number>(bins.shares.length).fill(0);
  for (const v of values) counts[binOf(bins.edges, v)]++;
  let psi = 0;
  for (let i = 0; i < counts.length; i++) {
    const a = Math.max(PSI_FLOOR, counts[i] / values.length);
    const e = Math.max(PSI_FLOOR, bins.shares[i]);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}

export interface DriftOptions {
  /** A feature whose PSI exceeds this has drifted.  */
  readonly psiThreshold?: number;
  /** |mean predicted − realised win rate| above this is a calibration drift.  */
  readonly gapThreshold?: number;
  /** Recent candidates kept for the PSI.  */
  readonly candidateWindow?: number;
  /** Closed outcomes kept for the calibration gap.  */
  readonly outcomeWindow?: number;
  /** Fewer candidates than this give no PSI verdict.  */
  readonly minCandidates?: number;
  /** Fewer outcomes than this give no gap verdict.  */
  readonly minOutcomes?: number;
}

/**
 * The defaults (also engine.confidence.drift's), measured on the training part so the watch
 * stays quiet on the data the shipped model was trained on (docs/CONFIDENCE.md, "Drift").
 */
export const DEFAULT_DRIFT: Required<DriftOptions> = {
  psiThreshold: 1,
  gapThreshold: 0.12,
  candidateWindow: 2000,
  outcomeWindow: 500,
  minCandidates: 2000,
  minOutcomes: 500,
};

export interface DriftVerdict {
  readonly status: 'ok' | 'drift';
  /** One sentence per reason, e.g. "cost_to_stop PSI 0.41 > 0.25". Empty when ok. */
  readonly reasons: readonly string[];
  /** PSI per feature over the candidate window; empty below minCandidates. */
  readonly psi: Readonly<Record<string, number>>;
  /** Mean predicted − realised win rate over the outcome window; null below minOutcomes. */
  readonly calibrationGap: number | null;
  readonly candidates: number;
  readonly outcomes: number;
}

/** A fixed-size window: the newest `size` items, oldest first. */
class Window<T> {
  private readonly items: T[] = [];
  private start = 0;

  constructor(private readonly size: number) {}

  push(item: T): void {
    if (this.items.length < this.size) this.items.push(item);
    else {
      this.items[this.start] = item;
      this.start = (this.start + 1) % this.size;
    }
  }

  get length(): number {
    return this.items.length;
  }

  values(): T[] {
    return [...this.items.slice(this.start), ...this.items.slice(0, this.start)];
  }
}

/**
 * Watches a model in use: feed it each candidate's features as the model scores them and each
 * closed outcome with the probability the model gave it; ask for a verdict when convenient.
 */
export class DriftMonitor {
  private readonly opts: Required<DriftOptions>;
  private readonly candidates: Window<Readonly<Record<string, number>>>;
  private readonly outcomes: Window<{ readonly predicted: number; readonly won: boolean }>;

  constructor(
    private readonly bins: readonly FeatureBins[],
    opts: DriftOptions = {},
  ) {
    this.opts = { ...DEFAULT_DRIFT, ...opts };
    for (const [k, v] of Object.entries(this.opts)) {
      if (!(v > 0) || !Number.isFinite(v))
        throw new RangeError(`drift option ${k} must be a positive number, got ${v}`);
    }
    this.candidates = new Window(this.opts.candidateWindow);
    this.outcomes = new Window(this.opts.outcomeWindow);
  }

  observeCandidate(features: Readonly<Record<string, number>>): void {
    this.candidates.push(features);
  }

  /** A closed (filled) outcome: the probability the model gave it, and whether it made a net profit. */
  observeOutcome(predicted: number, won: boolean): void {
    this.outcomes.push({ predicted, won });
  }

  verdict(): DriftVerdict {
    const { psiThreshold, gapThreshold, minCandidates, minOutcomes } = this.opts;
    const reasons: string[] = [];
    const psi: Record<string, number> = {};
    const recent = this.candidates.values();
    if (recent.length >= minCandidates) {
      for (const b of this.bins) {
        const value = populationStabilityIndex(
          b,
          recent.map((f) => f[b.feature] ?? Number.NaN),
        );
        psi[b.feature] = value;
        if (value > psiThreshold) reasons.push(`${b.feature} PSI ${value.toFixed(2)} > ${psiThreshold}`);
      }
    }
    const closed = this.outcomes.values();
    let calibrationGap: number | null = null;
    if (closed.length >= minOutcomes) {
      let predicted = 0;
      let won = 0;
      for (const o of closed) {
        predicted += o.predicted;
        won += o.won ? 1 : 0;
      }
      calibrationGap = (predicted - won) / closed.length;
      if (Math.abs(calibrationGap) > gapThreshold) {
        reasons.push(
          `calibration gap ${(100 * calibrationGap).toFixed(1)} points over the last ${closed.length} outcomes (predicted ${((100 * predicted) / closed.length).toFixed(1)} %, realised ${((100 * won) / closed.length).toFixed(1)} %) exceeds ${100 * gapThreshold}`,
        );
      }
    }
    return {
      status: reasons.length > 0 ? 'drift' : 'ok',
      reasons,
      psi,
      calibrationGap,
      candidates: recent.length,
      outcomes: closed.length,
    };
  }
}
