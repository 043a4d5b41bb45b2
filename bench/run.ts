import { runDeliveryBench } from './delivery.js';
import { runFoundation } from './foundation.js';
import { runIndicators } from './indicators.js';
import { machine } from './lib.js';
import { runPipelineBench } from './pipeline.js';
import { runServiceBench } from './service.js';
import { runStoreBench } from './store.js';
import { runWebSocketBench } from './websocket.js';

/** `npm run bench [-- name ...]`: runs the named benchmark groups, or all of them. */
const groups: Record<string, () => Promise<void>> = {
  foundation: runFoundation,
  indicators: runIndicators,
  pipeline: runPipelineBench,
  service: runServiceBench,
  store: runStoreBench,
  delivery: runDeliveryBench,
  websocket: runWebSocketBench,
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
