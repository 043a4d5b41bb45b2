import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../adapters/store/store-errors.js';
import { CommitBuffer, CommitBufferStopped, type WriteStatus } from './commit-buffer.js';

/** A destination that refuses writes while `down`, as an unreachable store does. */
function destination() {
  const d = {
    down: false,
    written: [] as number[],
    stored: [] as number[],
    states: [] as WriteStatus['state'][],
    write: async (n: number) => {
      await new Promise((r) => setImmediate(r));
      if (d.down) throw new StoreUnavailableError('connection refused');
      d.written.push(n);
    },
  };
  return d;
}

function buffer(d: ReturnType<typeof destination>, bound = 3) {
  return new CommitBuffer<number>({
    write: d.write,
    stored: (n) => d.stored.push(n),
    bound,
    retryMs: 5,
    retryMaxMs: 20,
    onState: (s) => d.states.push(s.state),
  });
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('CommitBuffer', () => {
  it('writes straight through while the store answers: add resolves once stored', async () => {
    const d = destination();
    const b = buffer(d);
    for (let i = 0; i < 5; i++) await b.add(i);
    expect(d.stored).toEqual([0, 1, 2, 3, 4]);
    expect(b.status()).toMatchObject({ state: 'ok', buffered: 0, attempts: 0, recovered: 0 });
    expect(d.states).toEqual([]);
  });

  it('holds commits in order while the store is unreachable, waits for room at the bound, then stores each once', async () => {
    const d = destination();
    const b = buffer(d, 3);
    await b.add(0);
    d.down = true;
    await b.add(1); // refused: held, the caller goes on
    await b.add(2);
    expect(b.status()).toMatchObject({ state: 'retrying', buffered: 2 });
    let third = false;
    const blocked = b.add(3).then(() => {
      third = true;
    });
    await tick(30);
    // the bound is reached: the caller of add waits, nothing is dropped
    expect(third).toBe(false);
    expect(b.status()).toMatchObject({ state: 'full', buffered: 3 });
    expect(b.status().attempts).toBeGreaterThan(1);
    expect(d.stored).toEqual([0]);
    d.down = false;
    await blocked;
    while (b.status().state !== 'ok') await tick(5);
    await b.add(4);
    expect(d.written).toEqual([0, 1, 2, 3, 4]);
    expect(d.stored).toEqual([0, 1, 2, 3, 4]);
    expect(b.status()).toMatchObject({
      state: 'ok',
      buffered: 0,
      attempts: 0,
      lastError: null,
      recovered: 3,
    });
    expect(d.states).toEqual(['retrying', 'full', 'ok']);
  });

  it('passes any other error of a direct write to the caller, buffering nothing', async () => {
    const b = new CommitBuffer<number>({
      write: async () => {
        throw new Error('disk I/O error');
      },
      stored: () => {},
      bound: 2,
      retryMs: 5,
      retryMaxMs: 5,
    });
    await expect(b.add(1)).rejects.toThrow('disk I/O error');
    expect(b.status().buffered).toBe(0);
  });

  it('on stop, releases a caller waiting for room and reports what was not stored', async () => {
    const d = destination();
    const b = buffer(d, 1);
    d.down = true;
    await b.add(1);
    const waiting = b.add(2);
    await tick(10);
    expect(await b.stop()).toBe(2);
    await expect(waiting).rejects.toBeInstanceOf(CommitBufferStopped);
    await expect(b.add(3)).rejects.toBeInstanceOf(CommitBufferStopped);
    expect(d.stored).toEqual([]);
  });
});
