import { createHash, randomUUID } from 'node:crypto';
import { type Job, Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { loadStrategyModules } from '../../config/strategy-modules.js';
import { BUILTIN_REGISTRY, type StrategyRegistry } from '../../core/strategies/registry.js';
import type { TrialRunner } from './optimize.js';
import { runTrial, type TrialData, type TrialTrade, trialEngine } from './trial.js';
import { loadTrialData } from './trial-data.js';
import type { TrialTask, WorkerSetup } from './trial-runners.js';

/*
 * Optimize across machines: the trials go to a BullMQ queue in Redis and any number of
 * `alphapulse optimize-worker` processes (on this or other machines, with the same candle files
 * at the same paths) run them. A job carries everything a worker needs; results come back by
 * trial index, so the report equals a single-process run for the same seed.
 */

export const OPTIMIZE_QUEUE = 'alphapulse-optimize';

interface TrialJob {
  readonly setup: WorkerSetup;
  readonly task: TrialTask;
}

function connect(url: string): Redis {
  // BullMQ's blocking commands need no per-request retry limit
  return new Redis(url, { maxRetriesPerRequest: null });
}

/** The coordinator's side: puts the trials on the queue and waits for their results. */
export function queueRunner(setup: WorkerSetup, redisUrl: string): TrialRunner & { close(): Promise<void> } {
  const connection = connect(redisUrl);
  const queue = new Queue<TrialJob, TrialTrade[]>(OPTIMIZE_QUEUE, { connection });
  const eventsConnection = connect(redisUrl);
  const events = new QueueEvents(OPTIMIZE_QUEUE, { connection: eventsConnection });
  const run: TrialRunner = async (slice, trials) => {
    await events.waitUntilReady();
    const runId = randomUUID();
    const jobs = await queue.addBulk(
      trials.map((settings, id) => ({
        name: `${slice.family}:${slice.timeframe}#${id}`,
        data: { setup, task: { id, slice, settings } },
        opts: { jobId: `${runId}-${id}`, removeOnComplete: true, removeOnFail: true, attempts: 1 },
      })),
    );
    return Promise.all(jobs.map((job) => job.waitUntilFinished(events) as Promise<TrialTrade[]>));
  };
  return Object.assign(run, {
    // BullMQ leaves connections it was given open: quit both, or the process never ends
    async close() {
      await events.close();
      await queue.close();
      await Promise.all([connection.quit(), eventsConnection.quit()]);
    },
  });
}

/** A data set a worker has loaded, keyed by what it was loaded from. */
interface Loaded {
  readonly registry: StrategyRegistry;
  readonly data: TrialData;
}

/**
 * The worker's side (`alphapulse optimize-worker`): takes trials off the queue and runs them,
 * loading each data set once.
 */
export function startQueueWorker(
  redisUrl: string,
  concurrency = 1,
): { worker: Worker<TrialJob, TrialTrade[]>; close(): Promise<void> } {
  const cache = new Map<string, Promise<Loaded>>();
  const load = (setup: WorkerSetup): Promise<Loaded> => {
    const key = createHash('sha256')
      .update(JSON.stringify([setup.inputs, setup.to, setup.strategyPaths]))
      .digest('hex');
    let hit = cache.get(key);
    if (!hit) {
      hit = (async () => ({
        registry: setup.strategyPaths.length
          ? BUILTIN_REGISTRY.with(await loadStrategyModules(setup.strategyPaths))
          : BUILTIN_REGISTRY,
        data: await loadTrialData(setup.inputs, setup.to),
      }))();
      cache.set(key, hit);
    }
    return hit;
  };
  const connection = connect(redisUrl);
  const worker = new Worker<TrialJob, TrialTrade[]>(
    OPTIMIZE_QUEUE,
    async (job: Job<TrialJob>) => {
      const { setup, task } = job.data;
      const { registry, data } = await load(setup);
      return runTrial(trialEngine(setup.engine, registry, task.slice, task.settings), registry, data);
    },
    { connection, concurrency },
  );
  return {
    worker,
    // BullMQ leaves a connection it was given open: close it too, or the process never ends
    async close() {
      await worker.close();
      await connection.quit();
    },
  };
}

/** Fails in one line when the queue's Redis does not answer, instead of retrying forever. */
export async function requireRedis(url: string, timeoutMs = 3000): Promise<void> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let cause: Error | null = null;
  probe.on('error', (e: Error) => {
    cause = e;
  });
  try {
    await probe.connect();
    await probe.ping();
  } catch (e) {
    const why = (cause ?? (e as Error)).message;
    throw new Error(`the optimize queue's Redis at ${url} does not answer: ${why}`);
  } finally {
    probe.disconnect();
  }
}
