import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from './support/cli.js';
import { dropRedisPrefix, freshPrefix, type WorkerStatus } from './support/cluster.js';
import { freshSchema, hasPostgres, POSTGRES_URL, type TestSchema } from './support/postgres.js';
import { hasRedis, REDIS_URL } from './support/redis.js';
import { type ServeProcess, startServe, waitFor } from './support/serve.js';

/**
 * The deployment example (examples/deploy) as far as a machine without Docker can take it: the
 * compose file's AlphaPulse services run as real processes with the compose file's own commands
 * and environment, so a flag or a setting the code no longer knows fails here. What differs from
 * `docker compose up`, and only that: the host names `postgres` and `redis` become the local
 * services (with a fresh schema and key prefix), the fixed port 8000 becomes a free one, and the
 * workers replay the demo market (`ALPHAPULSE_LIVE__SOURCE=demo`) since these machines have no
 * internet. The Dockerfile and Caddy are not run; the Caddyfile is checked against the services.
 */

const DIR = join(repoRoot, 'examples', 'deploy');

interface ComposeService {
  readonly build?: { readonly dockerfile?: string };
  readonly command?: readonly string[];
  readonly environment?: Readonly<Record<string, string>>;
  readonly healthcheck?: { readonly test?: readonly string[] };
}

const compose = parse(readFileSync(join(DIR, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const alphapulse = Object.entries(compose.services).filter(
  ([, s]) => s.build?.dockerfile === 'examples/deploy/Dockerfile',
);

/** The value after `flag` in a command. */
const flagValue = (command: readonly string[], flag: string): string | undefined =>
  command[command.indexOf(flag) + 1];

describe('the compose example (examples/deploy)', () => {
  it('has two workers and two gateways, each health check on its own port, every gateway behind Caddy', () => {
    const roles = alphapulse.map(([name, s]) => [name, flagValue(s.command ?? [], '--role')]);
    expect(roles).toEqual([
      ['worker-0', 'worker'],
      ['worker-1', 'worker'],
      ['gateway-0', 'gateway'],
      ['gateway-1', 'gateway'],
    ]);
    const caddy = readFileSync(join(DIR, 'Caddyfile'), 'utf8');
    for (const [name, s] of alphapulse) {
      const command = s.command ?? [];
      const port = flagValue(command, '--port');
      expect(s.healthcheck?.test?.join(' '), name).toContain(`http://127.0.0.1:${port}/ready`);
      if (flagValue(command, '--role') === 'gateway') expect(caddy, name).toContain(`${name}:${port}`);
    }
  });

  describe.skipIf(!hasPostgres || !hasRedis)('its services as processes on PostgreSQL and Redis', () => {
    const procs: ServeProcess[] = [];
    let schema: TestSchema | null = null;
    const prefix = freshPrefix();

    afterAll(async () => {
      for (const p of procs.splice(0)) await p.stop('SIGKILL');
      await schema?.drop().catch(() => {});
      await dropRedisPrefix(REDIS_URL, prefix);
    });

    it("start with the compose file's commands and environment, the workers share the shards and the gateways relay their events", async () => {
      schema = freshSchema('ap_compose');
      const here = (s: ComposeService): NodeJS.ProcessEnv => {
        const env = { ...s.environment };
        // the compose names its services; here they are the machine's own
        expect(env.DATABASE_URL).toMatch(/@postgres:5432\//);
        expect(env.REDIS_URL).toBe('redis://redis:6379');
        return {
          ...env,
          DATABASE_URL: POSTGRES_URL,
          REDIS_URL,
          ALPHAPULSE_STORE__SCHEMA: schema?.schema ?? '',
          ALPHAPULSE_REDIS__KEY_PREFIX: prefix,
          ALPHAPULSE_LIVE__SOURCE: 'demo',
        };
      };
      const started: [string, ServeProcess][] = [];
      for (const [name, s] of alphapulse) {
        const [first, ...rest] = s.command ?? [];
        expect(first, name).toBe('serve');
        const args = rest.map((a, i) => (rest[i - 1] === '--port' ? '0' : a));
        const p = await startServe([...args, '--host', '127.0.0.1'], here(s), 120_000);
        procs.push(p);
        started.push([name, p]);
      }
      for (const [name, p] of started) {
        const ready = await fetch(`${p.url}/ready`);
        expect(ready.status, `${name}: ${await ready.text()}`).toBe(200);
      }
      const workers = started.filter(([name]) => name.startsWith('worker'));
      const shards = await Promise.all(
        workers.map(([, p]) =>
          waitFor<WorkerStatus>(`${p.url}/api/v1/status`, (s) => s.shards.length === 1, 60_000),
        ),
      );
      expect(shards.map((s) => s.shards.map((x) => x.index)).sort()).toEqual([[0], [1]]);
      // the demo market's candles close on the workers and reach both gateways through the stream
      for (const [name, p] of started.filter(([n]) => n.startsWith('gateway'))) {
        const status = await waitFor<{
          source: { kind: string };
          cluster: { events: { events: number } | null };
        }>(`${p.url}/api/v1/status`, (s) => (s.cluster.events?.events ?? 0) > 0, 60_000);
        expect(status.source.kind, name).toBe('gateway');
      }
    }, 180_000);
  });
});
