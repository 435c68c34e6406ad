import { beforeAll, beforeEach } from "vitest";

/**
 * `beforeAll` whose failure fails every test it was setting up, visibly, with the setup's error.
 * (A plain `beforeAll` that throws makes vitest report the tests as skipped: on a busy machine a
 * setup timeout would then look like nothing was wrong.)
 */
export function setupAll(fn: () => Promise<unknown> | unknown, timeout?: number): void {
  let failure: unknown = null;
  beforeAll(async () => {
    try {
      await fn();
    } catch (error) {
      failure = error;
    }
  }, timeout);
  beforeEach(() => {
    if (failure) throw new Error(`setup failed: ${failure instanceof Error ? failure.message : String(failure)}`, { cause: failure });
  });
}
