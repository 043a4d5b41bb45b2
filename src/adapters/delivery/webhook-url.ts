import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Webhook URLs are checked where they enter (the API) and again before each send (a name may
 * resolve elsewhere by then): http or https, no credentials, and, unless allowed, no receiver on
 * a private, loopback, link-local or otherwise non-public address, so that a subscriber cannot
 * make the service call into its own network.
 */
const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped?.[1]) return PRIVATE.check(mapped[1], 'ipv4');
    return PRIVATE.check(address, 'ipv6');
  }
  return true;
}

export interface UrlCheckOptions {
  readonly allowPrivate: boolean;
  /** Resolves a host name to its addresses (default: the system resolver). */
  readonly resolve?: (host: string) => Promise<string[]>;
}

const systemResolve = async (host: string): Promise<string[]> =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** Null when `url` may receive webhooks; else why not, in words naming the URL's problem. */
export async function checkWebhookUrl(url: string, opts: UrlCheckOptions): Promise<string | null> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `"${url}" is not a URL`;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return `${u.protocol} is not http or https`;
  if (u.username || u.password) return 'a webhook URL must not carry credentials';
  if (opts.allowPrivate) return null;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return `${host} is a loopback name`;
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await (opts.resolve ?? systemResolve)(host);
    } catch (e) {
      return `${host} does not resolve: ${(e as Error).message}`;
    }
  }
  const bad = addresses.find(isPrivateAddress);
  return bad === undefined
    ? null
    : `${host} is on a private or loopback address (${bad}); set delivery.allowPrivateWebhookTargets to allow it`;
}
