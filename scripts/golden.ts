/**
 * `npm run golden`            compare the pipeline's output with the recorded golden hash
 * `npm run golden -- --update` record the current output as the golden one (say why in the commit)
 */
import { describeChange, GOLDEN_JSON, readGolden, runGolden, writeGolden } from '../test/support/golden.js';

const update = process.argv.includes('--update');
const run = runGolden();
const change = describeChange(readGolden(), run);
if (change === '') {
  console.log(`golden output unchanged: ${run.events} events, sha256 ${run.sha256}`);
} else if (update) {
  console.log(change);
  writeGolden(run);
  console.log(
    `recorded ${run.events} events, sha256 ${run.sha256} in ${GOLDEN_JSON}: say why in the commit message`,
  );
} else {
  console.error(change);
  console.error('not recorded: run `npm run golden -- --update` if the change is deliberate');
  process.exitCode = 1;
}
