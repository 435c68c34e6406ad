/**
 * A tiny read-through cache with single-flight: under a burst, one query per key per TTL reaches
 * the database and every concurrent reader awaits that same promise.
 */
export class TtlCache {
  #entries = new Map<string, { started: number; expires: number; value: Promise<unknown> }>();

  constructor(private ttlMs = 1_000, private maxEntries = 5_000) {}

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = this.#entries.get(key);
    if (hit && hit.expires > now) return hit.value as Promise<T>;
    if (this.#entries.size >= this.maxEntries) this.#entries.clear();
    const value = load();
    this.#entries.set(key, { started: now, expires: now + this.ttlMs, value });
    // A failed load must not be served for a second to everyone.
    value.catch(() => this.#entries.delete(key));
    return value;
  }

  /** When the cached value for `key` began loading: what it can and cannot have seen. */
  startedAt(key: string): number | undefined {
    return this.#entries.get(key)?.started;
  }

  /** Drop keys after a write the writer itself should see at once (organizer edits). */
  invalidate(prefix: string) {
    for (const key of this.#entries.keys()) if (key.startsWith(prefix)) this.#entries.delete(key);
  }
}
