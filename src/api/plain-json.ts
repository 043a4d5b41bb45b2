/**
 * A value as the store keeps it and JSON carries it: NaN (a context not warm yet) becomes null.
 * For answers built from the pipeline's own objects rather than read back from the store.
 */
export function plainJson<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}
