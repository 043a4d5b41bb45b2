import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FileInput } from '../../adapters/market/file-inputs.js';
import type { EngineConfig } from '../../core/pipeline/engine-settings.js';
import type { StrategyRegistry } from '../../core/strategies/registry.js';
import type { TrialRunner } from './optimize.js';
import type { SliceSettings } from './search-space.js';
import { runTrial, type SliceSpec, type TrialData, type TrialTrade, trialEngine } from './trial.js';

/** Runs the trials one after the other in this process. */
export function inProcessRunner(
  engine: EngineConfig,
  registry: StrategyRegistry,
  data: TrialData,
): TrialRunner {
  return async (slice, trials) => {
    const out: TrialTrade[][] = [];
    for (const settings of trials)
      out.push(await runTrial(trialEngine(engine, registry, slice, settings), registry, data));
    return out;
  };
}

/** What each worker thread needs to load the data and build the engines itself. */
export interface WorkerSetup {
  readonly engine: EngineConfig;
  readonly inputs: readonly FileInput[];
  readonly to: number;
  readonly strategyPaths: readonly string[];
}

export interface TrialTask {
  readonly id: number;
  readonly slice: SliceSpec;
  readonly settings: SliceSettings;
}

export type WorkerReply =
  | { readonly id: number; readonly trades: TrialTrade[] }
  | { readonly id: number; readonly error: string };

/**
 * A worker thread running optimize-worker: the compiled .js next to this file, or, when this runs
 * from the TypeScript source (tests, tsx), a small script that registers tsx in the thread first:
 * a thread does not inherit the loader of the process.
 */
function startWorker(setup: WorkerSetup): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./optimize-worker.js', self), { workerData: setup });
  const source = new URL('./optimize-worker.ts', self).href;
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(boot, { eval: true, workerData: setup });
}

/**
 * Runs the trials on `threads` worker threads (default: one per CPU), each with its own copy of
 * the data. Results come back in trial order, so they equal an in-process run's.
 */
export function workerThreadRunner(
  setup: WorkerSetup,
  threads = cpus().length,
): TrialRunner & { close(): Promise<void> } {
  const workers = Array.from({ length: Math.max(1, threads) }, () => startWorker(setup));
  const run: TrialRunner = (slice, trials) =>
    new Promise((resolve, reject) => {
      const out: TrialTrade[][] = new Array(trials.length);
      let next = 0;
      let done = 0;
      let failed = false;
      const feed = (w: Worker) => {
        if (next >= trials.length) return;
        const task: TrialTask = { id: next, slice, settings: trials[next] };
        next++;
        w.postMessage(task);
      };
      const listeners = workers.map((w) => {
        const onMessage = (reply: WorkerReply) => {
          if (failed) return;
          if ('error' in reply) {
            failed = true;
            detach();
            reject(
              new Error(`trial ${reply.id} of ${slice.family}:${slice.timeframe} failed: ${reply.error}`),
            );
            return;
          }
          out[reply.id] = reply.trades;
          done++;
          if (done === trials.length) {
            detach();
            resolve(out);
          } else feed(w);
        };
        const onError = (e: Error) => {
          if (failed) return;
          failed = true;
          detach();
          reject(e);
        };
        w.on('message', onMessage);
        w.on('error', onError);
        return { w, onMessage, onError };
      });
      const detach = () => {
        for (const { w, onMessage, onError } of listeners) {
          w.off('message', onMessage);
          w.off('error', onError);
        }
      };
      if (trials.length === 0) {
        detach();
        resolve(out);
        return;
      }
      for (const w of workers) feed(w);
    });
  return Object.assign(run, {
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  });
}
