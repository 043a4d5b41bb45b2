import {
  encodeStreamRun,
  prepare,
  RUNS_PER_PROCESS,
  readColumns,
  SLOW_RUNS_PER_PROCESS,
  STREAMING_SLOW_MS,
  streamingCases,
} from './indicators.js';

/*
 * Times one streaming implementation in a process of its own, so that no other implementation's
 * compiled code or garbage is around while it runs. Spawned by bench/indicators.ts as
 *
 *   <node + tsx flags> bench/indicators-stream-worker.ts <columns file> <indicator> <ours | floor | peer> [slow | fast]
 *
 * It builds the input from the columns file as the parent does, runs the implementation once for
 * the probe and once more to warm up, then times RUNS_PER_PROCESS runs, and prints one JSON line.
 * A slow implementation is warmed up by the probe run only and times SLOW_RUNS_PER_PROCESS runs.
 * Slow is as the parent says, or without a word from it, whether the probe run took over
 * STREAMING_SLOW_MS.
 */

const [columnsFile, indicator, name, speed] = process.argv.slice(2);
const found = streamingCases(prepare(readColumns(columnsFile))).find((c) => c.indicator === indicator);
const f =
  name === 'ours'
    ? found?.ours
    : name === 'floor'
      ? found?.floor
      : Object.entries(found?.peers ?? {}).find(([peer]) => peer === name)?.[1];
if (f === undefined) {
  console.error(`indicators-stream-worker: no streaming case ${indicator} with implementation ${name}`);
  process.exit(2);
}

const t0 = performance.now();
const probe = f.probe(f.run());
const slow = speed === undefined ? performance.now() - t0 > STREAMING_SLOW_MS : speed === 'slow';
if (!slow) f.run();
const ms: number[] = [];
for (let i = 0; i < (slow ? SLOW_RUNS_PER_PROCESS : RUNS_PER_PROCESS); i++) {
  const t = performance.now();
  f.run();
  ms.push(performance.now() - t);
}
process.stdout.write(`${encodeStreamRun({ ms, probe, slow })}\n`);
