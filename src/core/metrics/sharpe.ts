/**
 * The Sharpe ratio as a statistic with an error bar, and the two corrections that make a
 * backtested Sharpe ratio honest:
 *
 * - the probabilistic Sharpe ratio PSR(SR*): the probability that the true Sharpe ratio exceeds
 *   a benchmark SR*, given the track record's length, skewness and kurtosis
 *   (Bailey & López de Prado 2012, "The Sharpe Ratio Efficient Frontier", J. of Risk 15(2),
 *   section "Probabilistic Sharpe ratio");
 * - the deflated Sharpe ratio DSR = PSR(SR₀), whose benchmark SR₀ is the Sharpe ratio the best of
 *   N skill-less trials is expected to show (Bailey & López de Prado 2014, "The Deflated Sharpe
 *   Ratio: Correcting for Selection Bias, Backtest Overfitting and Non-Normality", J. of
 *   Portfolio Management 40(5)).
 *
 * Units: every Sharpe ratio here is per period (per observation), not annualised, and so is the
 * variance of the trials' Sharpe ratios. An annualised SR converts as SR / √(periods per year),
 * an annualised variance as V / (periods per year). Returns are excess returns (subtract the
 * risk-free rate first; crypto signals have none to subtract).
 *
 * Kurtosis is the plain (non-excess) fourth standardised moment: 3 for normal returns.
 */
import { normalCdf, normalQuantile } from './normal.js';
import { sampleStd, ZERO_SPREAD } from './stats.js';

/** What the PSR needs to know about a track record. */
export interface SharpeEstimate {
  /** Per-period Sharpe ratio, mean / standard deviation. */
  readonly sharpe: number;
  /** Number of returns T the estimate rests on. */
  readonly observations: number;
  /** γ₃ = E[(r − μ)³] / σ³. */
  readonly skewness: number;
  /** γ₄ = E[(r − μ)⁴] / σ⁴, non-excess (normal: 3). */
  readonly kurtosis: number;
}

export interface ReturnMoments extends SharpeEstimate {
  readonly mean: number;
  /** Sample standard deviation (n − 1 in the denominator). */
  readonly std: number;
  /** γ₄ − 3 (normal: 0). */
  readonly excessKurtosis: number;
}

/** Euler–Mascheroni constant γ. */
export const EULER_GAMMA = 0.5772156649015329;

/**
 * Mean, sample standard deviation, Sharpe ratio, skewness and kurtosis of a return series.
 *
 * SR = mean / s with s the sample standard deviation (n − 1), as in the rest of the metrics.
 * γ₃ = m₃ / m₂^{3/2} and γ₄ = m₄ / m₂² from the central moments m_k = Σ(r − mean)^k / n: the
 * moment estimators the PSR formula is written with (Bailey & López de Prado 2012; Mertens 2002).
 * Null below two returns or when the returns do not vary (the Sharpe ratio is undefined).
 */
export function returnMoments(returns: ArrayLike<number>): ReturnMoments | null {
  const n = returns.length;
  if (n < 2) return null;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += returns[i];
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = returns[i] - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const std = Math.sqrt(m2 / (n - 1));
  if (!(std > ZERO_SPREAD)) return null;
  m2 /= n;
  m3 /= n;
  m4 /= n;
  const kurtosis = m4 / (m2 * m2);
  return {
    mean,
    std,
    sharpe: mean / std,
    observations: n,
    skewness: m3 / (m2 * Math.sqrt(m2)),
    kurtosis,
    excessKurtosis: kurtosis - 3,
  };
}

/**
 * Sharpe ratio mean / s (sample standard deviation) of a return series, per period; times
 * √periodsPerYear when that is given (e.g. 365 for daily crypto returns). Null below two returns
 * or when they do not vary.
 */
export function sharpeRatio(returns: ArrayLike<number>, periodsPerYear = 1): number | null {
  const moments = returnMoments(returns);
  return moments === null ? null : moments.sharpe * Math.sqrt(periodsPerYear);
}

/**
 * Standard error of an estimated Sharpe ratio under non-normal i.i.d. returns,
 *   σ̂(SR) = √((1 − γ₃·SR + (γ₄ − 1)/4 · SR²) / (T − 1))
 * (Mertens 2002, as used by Bailey & López de Prado 2012 and 2014). For normal returns
 * (γ₃ = 0, γ₄ = 3) this is Lo's (2002) √((1 + SR²/2) / (T − 1)).
 * Null with fewer than two observations or when extreme moments make the variance non-positive.
 */
export function sharpeStandardError(estimate: SharpeEstimate): number | null {
  const { sharpe, observations, skewness, kurtosis } = estimate;
  if (!(observations >= 2)) return null;
  const radicand = 1 - skewness * sharpe + ((kurtosis - 1) / 4) * sharpe * sharpe;
  if (!(radicand > 0)) return null;
  return Math.sqrt(radicand / (observations - 1));
}

/**
 * Probabilistic Sharpe ratio (Bailey & López de Prado 2012):
 *   PSR(SR*) = Φ((SR − SR*) / σ̂(SR)),  σ̂(SR) as in `sharpeStandardError`,
 * the probability that the true Sharpe ratio exceeds the benchmark SR* (per period, default 0).
 * A short, negatively skewed or fat-tailed record earns less confidence for the same SR.
 */
export function probabilisticSharpeRatio(estimate: SharpeEstimate, benchmark = 0): number | null {
  const error = sharpeStandardError(estimate);
  if (error === null) return null;
  return normalCdf((estimate.sharpe - benchmark) / error);
}

/**
 * Expected maximum of N independent trials' Sharpe ratios when none has skill,
 *   E[max SR] ≈ mean + √V · ((1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e))),
 * γ the Euler–Mascheroni constant, V the variance of the trials' Sharpe ratios (per period).
 * The approximation of the expected maximum of N standard normals is from Bailey, Borwein,
 * López de Prado & Zhu (2014), "Pseudo-Mathematics and Financial Charlatanism", Notices of the
 * AMS 61(5); the DSR paper uses it, with mean 0, as the rejection threshold SR₀.
 * It overstates the exact expectation slightly (about 2 % at N = 10, under 1 % from N = 100),
 * which errs on the strict side. N may be fractional (an effective number of trials); with
 * N = 1 nothing was selected and the result is the mean.
 */
export function expectedMaxSharpe(trials: number, variance: number, mean = 0): number {
  if (!(trials >= 1) || !Number.isFinite(trials)) {
    throw new RangeError(`expectedMaxSharpe: trials must be a finite number >= 1, got ${trials}`);
  }
  if (!(variance >= 0) || !Number.isFinite(variance)) {
    throw new RangeError(`expectedMaxSharpe: variance must be finite and >= 0, got ${variance}`);
  }
  if (trials === 1) return mean;
  const z =
    (1 - EULER_GAMMA) * normalQuantile(1 - 1 / trials) +
    EULER_GAMMA * normalQuantile(1 - 1 / (trials * Math.E));
  return mean + Math.sqrt(variance) * z;
}

export interface TrialsSummary {
  /** N, every configuration tried (the losers and the abandoned ones too). */
  readonly count: number;
  /** Variance of the N trials' per-period Sharpe ratios. */
  readonly variance: number;
}

export interface DeflatedSharpe {
  /** SR₀ = E[max SR] of N skill-less trials, per period: the bar the selected SR must clear. */
  readonly benchmark: number;
  /** DSR = PSR(SR₀): probability that the selected strategy's true Sharpe ratio is above SR₀. */
  readonly dsr: number;
}

/**
 * Deflated Sharpe ratio (Bailey & López de Prado 2014):
 *   SR₀ = √V · ((1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e)))
 *   DSR = PSR(SR₀) = Φ((SR − SR₀)·√(T − 1) / √(1 − γ₃·SR + (γ₄ − 1)/4 · SR²))
 * for the selected strategy's estimate (SR, T, γ₃, γ₄) after N trials whose Sharpe ratios have
 * variance V. Null when the PSR is undefined (see `sharpeStandardError`).
 */
export function deflatedSharpeRatio(estimate: SharpeEstimate, trials: TrialsSummary): DeflatedSharpe | null {
  const benchmark = expectedMaxSharpe(trials.count, trials.variance);
  const dsr = probabilisticSharpeRatio(estimate, benchmark);
  return dsr === null ? null : { benchmark, dsr };
}

/**
 * The DSR from data: the selected strategy's returns and the per-period Sharpe ratios of every
 * trial (the selected one included). N is the number of trial Sharpe ratios and V their sample
 * variance (n − 1). Null when the selected returns have no Sharpe ratio or fewer than two trials
 * are given (V is then unknown).
 */
export function deflatedSharpeFromTrials(
  selectedReturns: ArrayLike<number>,
  trialSharpes: ArrayLike<number>,
): DeflatedSharpe | null {
  const moments = returnMoments(selectedReturns);
  const spread = sampleStd(trialSharpes);
  if (moments === null || spread === null) return null;
  return deflatedSharpeRatio(moments, { count: trialSharpes.length, variance: spread * spread });
}

/**
 * Minimum track record length (Bailey & López de Prado 2012): the number of observations after
 * which PSR(SR*) reaches `confidence`,
 *   MinTRL = 1 + (1 − γ₃·SR + (γ₄ − 1)/4 · SR²) · (Φ⁻¹(confidence) / (SR − SR*))²,
 * in periods (divide by periods per year for years). Null when SR <= SR* (no length suffices) or
 * the moments make the variance non-positive.
 */
export function minTrackRecordLength(
  estimate: Pick<SharpeEstimate, 'sharpe' | 'skewness' | 'kurtosis'>,
  benchmark = 0,
  confidence = 0.95,
): number | null {
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`minTrackRecordLength: confidence must be in (0, 1), got ${confidence}`);
  }
  const { sharpe, skewness, kurtosis } = estimate;
  if (!(sharpe > benchmark)) return null;
  const factor = 1 - skewness * sharpe + ((kurtosis - 1) / 4) * sharpe * sharpe;
  if (!(factor > 0)) return null;
  return 1 + factor * (normalQuantile(confidence) / (sharpe - benchmark)) ** 2;
}
