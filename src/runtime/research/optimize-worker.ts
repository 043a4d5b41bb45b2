import { parentPort, workerData } from 'node:worker_threads';
import { loadStrategyModules } from '../../config/strategy-modules.js';
import { BUILTIN_REGISTRY } from '../../core/strategies/registry.js';
import { runTrial, trialEngine } from './trial.js';
import { loadTrialData } from './trial-data.js';
import type { TrialTask, WorkerReply, WorkerSetup } from './trial-runners.js';

/** A worker thread of `alphapulse optimize`: loads the data once, then runs the trials it is sent. */
const setup = workerData as WorkerSetup;
const port = parentPort;
if (!port) throw new Error('optimize-worker runs as a worker thread');
const ready = (async () => {
  const registry = setup.strategyPaths.length
    ? BUILTIN_REGISTRY.with(await loadStrategyModules(setup.strategyPaths))
    : BUILTIN_REGISTRY;
  return { registry, data: await loadTrialData(setup.inputs, setup.to) };
})();
port.on('message', async (task: TrialTask) => {
  let reply: WorkerReply;
  try {
    const { registry, data } = await ready;
    const trades = await runTrial(
      trialEngine(setup.engine, registry, task.slice, task.settings),
      registry,
      data,
    );
    reply = { id: task.id, trades };
  } catch (e) {
    reply = { id: task.id, error: e instanceof Error ? e.message : String(e) };
  }
  port.postMessage(reply);
});
