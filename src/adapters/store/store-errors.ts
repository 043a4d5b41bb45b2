/** A store that cannot be opened or used: the message names the database and what is wrong. */
export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/**
 * Input the store refuses before writing anything: `field` names the offending value the way
 * the caller sees it (e.g. `events[1].outcome.type`), so the store is left as it was.
 */
export class StoreInputError extends StoreError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field} ${message}`);
    this.name = 'StoreInputError';
  }
}

/**
 * The store could not be reached or could not take the write now (connection refused or cut,
 * server shutting down, a deadlock or serialisation conflict): the same write may succeed when
 * tried again, and, since every write is idempotent, trying it again is always safe. The live
 * runtime buffers commits that fail this way (see `CommitBuffer`); any other error is final.
 */
export class StoreUnavailableError extends StoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * A request the delivery store refuses for the data's sake (a slug taken, an unknown id): part of
 * the DeliveryStore port, so the API maps it to 409/404/400 whichever store threw it.
 */
export class DeliveryStoreError extends Error {
  constructor(
    message: string,
    readonly kind: 'conflict' | 'not_found' | 'invalid',
  ) {
    super(message);
    this.name = 'DeliveryStoreError';
  }
}
