import { describe, expect, it } from 'vitest';
import { type Timeframe, timeframeMs } from '../src/core/candles/timeframe.js';
import { EngineConfig } from '../src/core/pipeline/engine-settings.js';
import { type Evaluation, EvaluationError } from '../src/core/pipeline/evaluation.js';
import type { PipelineEvent } from '../src/core/pipeline/events.js';
import { SignalPipeline } from '../src/core/pipeline/signal-pipeline.js';
import type { Signal } from '../src/core/signals/types.js';
import { BUSY_ENGINE } from './support/engine-fixtures.js';
import { hasRealData, loadRealCandles } from './support/real-data.js';

const FILE = 'binance_BTCUSDT_1m_20240726-20240825.csv.gz';
const SYMBOL = 'BTCUSDT';
const DAYS = 20;
const SIGNAL_TFS = new Set<Timeframe>(['15m', '1h', '4h']);

/** What the pipeline made of one closed signal-timeframe candle: its signals and filtered candidates. */
function madeOn(events: readonly PipelineEvent[], tf: Timeframe, closeTime: number) {
  const created = new Map<string, Signal>();
  const rejected = new Map<string, { reason: string; detail: string; signal: Signal | null }>();
  for (const e of events) {
    if (e.type === 'signal.created' && e.signal.timeframe === tf && e.signal.createdAt === closeTime)
      created.set(e.signal.id, e.signal);
    if (e.type === 'signal.rejected' && e.candidate.timeframe === tf && e.candidate.createdAt === closeTime) {
      const c = e.candidate;
      rejected.set(c.id, { reason: c.reason, detail: c.detail, signal: c.signal });
    }
  }
  return { created, rejected };
}

describe.skipIf(!hasRealData)(`on-demand evaluation on ${DAYS} days of real ${SYMBOL} 1m`, () => {
  const candles = hasRealData ? loadRealCandles(FILE).slice(0, DAYS * 1440) : [];
  const engine = EngineConfig.parse(BUSY_ENGINE);

  it('equals what the pipeline produced on every closed signal candle, and changes nothing', () => {
    const probed = new SignalPipeline(engine);
    const plain = new SignalPipeline(engine);
    const probedEvents: PipelineEvent[] = [];
    const plainEvents: PipelineEvent[] = [];
    let compared = 0;
    let createdSeen = 0;
    let rejectedSeen = 0;
    for (const c of candles) {
      plain.process(SYMBOL, c, (e) => plainEvents.push(e));
      const events: PipelineEvent[] = [];
      probed.process(SYMBOL, c, (e) => events.push(e));
      probedEvents.push(...events);
      for (const e of events) {
        if (e.type !== 'candle.closed' || !SIGNAL_TFS.has(e.timeframe)) continue;
        const closeTime = e.candle.openTime + timeframeMs(e.timeframe);
        const run: Evaluation = probed.evaluateNow(SYMBOL, e.timeframe);
        expect(run.fresh).toBe(true);
        expect(run.candle.closeTime).toBe(closeTime);
        expect(run.created).toEqual([]);
        const { created, rejected } = madeOn(events, e.timeframe, run.candle.closeTime);
        // the same candidates, by id, as the pipeline's signals and filtered candidates
        expect(run.candidates.map((k) => k.id).sort()).toEqual(
          [...created.keys(), ...rejected.keys()].sort(),
        );
        for (const k of run.candidates) {
          const made = created.get(k.id);
          if (made) {
            expect(k.verdict, k.id).toBe('created');
            expect(k.rejection).toBeNull();
            expect(k.filters.every((f) => f.passed)).toBe(true);
            expect(k.signal).toEqual(made);
            createdSeen++;
          } else {
            const r = rejected.get(k.id);
            expect(k.verdict, k.id).toBe('rejected');
            expect(k.rejection).toEqual({ reason: r?.reason, detail: r?.detail });
            expect(k.signal).toEqual(r?.signal);
            if (k.signal) expect(k.filters).toHaveLength(engine.filters.length);
            rejectedSeen++;
          }
        }
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(DAYS * 24);
    expect(createdSeen).toBeGreaterThan(5);
    expect(rejectedSeen).toBeGreaterThan(5);
    // asking changed nothing: the same events as a pipeline never asked
    expect(JSON.stringify(probedEvents)).toBe(JSON.stringify(plainEvents));
  });

  it('names what is wrong: not a signal timeframe, unknown symbol, no candle yet, publishing a stale candle', () => {
    const p = new SignalPipeline(engine);
    const err = (f: () => unknown): EvaluationError => {
      try {
        f();
      } catch (e) {
        if (e instanceof EvaluationError) return e;
        throw e;
      }
      throw new Error('did not throw');
    };
    expect(err(() => p.evaluateNow(SYMBOL, '1m')).message).toMatch(
      /1m is not a signal timeframe.*15m, 1h, 4h/,
    );
    expect(err(() => p.evaluateNow(SYMBOL, '1h')).code).toBe('unknown_symbol');
    for (const c of candles.slice(0, 30)) p.process(SYMBOL, c, () => {});
    expect(err(() => p.evaluateNow(SYMBOL, '1h')).code).toBe('no_closed_candle');
    for (const c of candles.slice(30, 70)) p.process(SYMBOL, c, () => {});
    expect(p.evaluateNow(SYMBOL, '15m').fresh).toBe(false);
    const stale = err(() => p.evaluateNow(SYMBOL, '15m', true, () => {}));
    expect(stale.code).toBe('stale');
    expect(stale.message).toMatch(/latest 15m candle of BTCUSDT closed at .* base candles up to/);
  });

  it('publishes through the normal rules: a duplicate blocks, an operator closes it, the run makes the signal', () => {
    const p = new SignalPipeline(engine);
    let found: { tf: Timeframe; blocker: string; id: string } | null = null;
    for (const c of candles) {
      const events: PipelineEvent[] = [];
      p.process(SYMBOL, c, (e) => events.push(e));
      for (const e of events) {
        if (e.type !== 'signal.rejected' || e.candidate.reason !== 'duplicate') continue;
        const k = p
          .evaluateNow(SYMBOL, e.candidate.timeframe)
          .candidates.find((x) => x.id === e.candidate.id);
        // the duplicate must be all that stands in its way
        const failing = k?.filters.filter((f) => !f.passed).map((f) => f.name);
        if (failing?.join() !== 'duplicate') continue;
        const blocker = /signal exists: (\S+)$/.exec(e.candidate.detail)?.[1] ?? '';
        found = { tf: e.candidate.timeframe, blocker, id: e.candidate.id };
      }
      if (found) break;
    }
    expect(found).not.toBeNull();
    if (!found) return;
    const blocker = p.liveSignals(SYMBOL).find((s) => s.id === found.blocker);
    expect(blocker).toBeDefined();
    // publishing while the duplicate lives makes nothing
    const events: PipelineEvent[] = [];
    const blocked = p.evaluateNow(SYMBOL, found.tf, true, (e) => events.push(e));
    expect(blocked.created).toEqual([]);
    expect(blocked.candidates.find((k) => k.id === found.id)?.rejection?.reason).toBe('duplicate');
    expect(events).toEqual([]);
    // the operator ends the blocking signal (close when filled, cancel while pending)
    const end = blocker?.status === 'ACTIVE' ? p.closeSignal.bind(p) : p.cancelSignal.bind(p);
    const ended = end(found.blocker, 'operator: make room', (e) => events.push(e));
    expect(ended.ok).toBe(true);
    expect(events.map((e) => e.type)).toContain('outcome.closed');
    events.length = 0;
    const run = p.evaluateNow(SYMBOL, found.tf, true, (e) => events.push(e));
    expect(run.created.map((s) => s.id)).toContain(found.id);
    expect(run.candidates.find((k) => k.id === found.id)?.verdict).toBe('created');
    const createdIds = events.flatMap((e) => (e.type === 'signal.created' ? [e.signal.id] : []));
    expect(createdIds).toContain(found.id);
    expect(p.liveSignals(SYMBOL).some((s) => s.id === found.id)).toBe(true);
    // a second publish finds it made: dedup by id, nothing new
    const again = p.evaluateNow(SYMBOL, found.tf, true, (e) => events.push(e));
    expect(again.created).toEqual([]);
    expect(again.candidates.find((k) => k.id === found.id)?.verdict).toBe('created');
  });
});
