// Its own file so that postgres-database.ts can use it without importing open-stores.ts (which
// imports the PostgreSQL stores when chosen): no import circle.

/** The URL without its password, for messages and the readiness line. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.username ? `${u.username}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return 'postgres://(unparsable url)';
  }
}
