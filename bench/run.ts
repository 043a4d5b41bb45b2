import { runDeliveryBench } from './delivery.js';
import { runFoundation } from './foundation.js';
import { runIndicators } from './indicators.js';
import { machine } from './lib.js';
import { runPipelineBench } from './pipeline.js';
import { runResearchBench } from './research.js';
import { runServiceBench } from './service.js';
import { runStoreBench } from './store.js';
import { runStorePlans } from './store-plans.js';
import { runWebSocketBench } from './websocket.js';

/** `npm run bench [-- name ...]`: runs the named benchmark groups, or all of them. */
const groups: Record<string, () => Promise<void>> = {
  foundation: runFoundation,
  indicators: runIndicators,
  pipeline: runPipelineBench,
  service: runServiceBench,
  store: runStoreBench,
  'store-plans': runStorePlans,
  delivery: runDeliveryBench,
  research: runResearchBench,
  websocket: runWebSocketBench,
  // loaded when asked for: it brings the test support (real-data files, the compiled command) with it
  cluster: async () => (await import('./cluster.js')).runClusterBench(),
};

const asked = process.argv.slice(2);
const unknown = asked.filter((a) => !(a in groups));
if (unknown.length) {
  console.error(
    `unknown benchmark group(s): ${unknown.join(', ')}; known: ${Object.keys(groups).join(', ')}`,
  );
  process.exit(2);
}
console.log(`# AlphaPulse benchmarks on ${machine()}`);
for (const name of asked.length ? asked : Object.keys(groups)) await groups[name]();
