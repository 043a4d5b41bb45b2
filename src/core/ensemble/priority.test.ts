import { describe, expect, it } from 'vitest';
import { MAX_ALIGNMENT_FACTOR } from '../mtf/context.js';
import { EngineConfig } from '../pipeline/engine-settings.js';
import { alignmentBand, alignmentScore, atLeastPriority, priorityOf } from './priority.js';

const bands = EngineConfig.parse({}).priority;
const factor = (s: number): number => MAX_ALIGNMENT_FACTOR ** s;

describe('alignmentScore and alignmentBand', () => {
  it('read the context score s back from alignmentFactor = 1.25^s', () => {
    for (const s of [-1, -0.5, 0, 0.25, 0.5, 1]) expect(alignmentScore(factor(s))).toBeCloseTo(s, 12);
    expect(alignmentScore(1 / MAX_ALIGNMENT_FACTOR)).toBeCloseTo(-1, 12);
    expect(alignmentScore(Number.NaN)).toBe(0);
    expect(alignmentScore(0)).toBe(0);
  });

  it('bands at the configured bars, a bar itself included despite rounding', () => {
    expect(alignmentBand(factor(1), bands)).toBe('strong');
    expect(alignmentBand(factor(0.5), bands)).toBe('strong');
    expect(alignmentBand(factor(0.49), bands)).toBe('moderate');
    expect(alignmentBand(1, bands)).toBe('moderate');
    expect(alignmentBand(factor(-0.01), bands)).toBe('weak');
    expect(alignmentBand(factor(-0.5), bands)).toBe('weak');
    expect(alignmentBand(factor(-0.51), bands)).toBe('opposed');
    expect(alignmentBand(factor(-1), bands)).toBe('opposed');
  });
});

describe('priorityOf (the design: confidence AND alignment)', () => {
  it('HIGH needs 0.8 and strong alignment, MEDIUM 0.7 and moderate, LOW 0.6 and weak', () => {
    expect(priorityOf(0.8, 'strong', bands)).toBe('HIGH');
    expect(priorityOf(0.95, 'moderate', bands)).toBe('MEDIUM');
    expect(priorityOf(0.7999, 'strong', bands)).toBe('MEDIUM');
    expect(priorityOf(0.7, 'moderate', bands)).toBe('MEDIUM');
    expect(priorityOf(0.9, 'weak', bands)).toBe('LOW');
    expect(priorityOf(0.6, 'weak', bands)).toBe('LOW');
  });

  it('NONE below LOW: low confidence, opposed context or NaN', () => {
    expect(priorityOf(0.5999, 'strong', bands)).toBe('NONE');
    expect(priorityOf(0.99, 'opposed', bands)).toBe('NONE');
    expect(priorityOf(Number.NaN, 'strong', bands)).toBe('NONE');
  });

  it('follows configured bars (e.g. bars fitted to a calibrated confidence)', () => {
    const calibrated = { ...bands, high: 0.55, medium: 0.5, low: 0.45 };
    expect(priorityOf(0.56, 'strong', calibrated)).toBe('HIGH');
    expect(priorityOf(0.46, 'weak', calibrated)).toBe('LOW');
  });

  it('orders priorities for a minimum', () => {
    expect(atLeastPriority('HIGH', 'MEDIUM')).toBe(true);
    expect(atLeastPriority('LOW', 'MEDIUM')).toBe(false);
    expect(atLeastPriority('NONE', 'NONE')).toBe(true);
    expect(atLeastPriority('NONE', 'LOW')).toBe(false);
  });
});

describe('engine.priority config', () => {
  it('names the field whose bars are out of order', () => {
    const r = EngineConfig.safeParse({ priority: { high: 0.5, medium: 0.7 } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].path.join('.')).toBe('priority.medium');
    expect(r.error?.issues[0].message).toMatch(/high 0.5 >= medium 0.7/);
    const a = EngineConfig.safeParse({ priority: { strongAlignment: -0.8 } });
    expect(a.error?.issues[0].path.join('.')).toBe('priority.moderateAlignment');
    const b = EngineConfig.safeParse({ priority: { low: 1.2 } });
    expect(b.error?.issues[0].path.join('.')).toBe('priority.low');
  });
});
