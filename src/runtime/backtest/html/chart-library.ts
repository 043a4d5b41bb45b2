import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const STANDALONE = 'lightweight-charts.standalone.production.js';

let cached: string | null = null;

/**
 * The lightweight-charts standalone build (it sets `window.LightweightCharts`), read from the
 * installed package so the report works offline and always matches the installed version.
 * The package exports only an ESM `import` entry, so `require.resolve('lightweight-charts')`
 * fails; its exported package.json resolves wherever npm put the package.
 */
export function chartLibrarySource(): string {
  if (cached !== null) return cached;
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('lightweight-charts/package.json');
  const source = readFileSync(join(dirname(packageJson), 'dist', STANDALONE), 'utf8');
  // Inside JavaScript `<\/` means `</`; in HTML it no longer ends the inline script element.
  cached = source.replace(/<\/(script)/gi, '<\\/$1');
  return cached;
}
