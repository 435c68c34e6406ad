/**
 * A tiny read-through cache with single-flight: under a burst, one query per key per TTL reaches
 * the database and every concurrent reader awaits that same promise.
 */
export class TtlCache {
  #entries = new Map<string, { started: number; expires: number; value: Promise<unknown> }>();

  constructor(
    private ttlMs = 1_000,
    private maxEntries = 5_000,
    /** The clock: tests pass their own to step past (or stay inside) the time to live. */
    private now: () => number = Date.now,
  ) {}

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.now();
    const hit = this.#entries.get(key);
    if (hit && hit.expires > now) return hit.value as Promise<T>;
    if (this.#entries.size >= this.maxEntries) this.#evictOldest();
    const value = load();
    // Re-inserting moves a refreshed key to the end, behind the ones eviction takes first.
    this.#entries.delete(key);
    this.#entries.set(key, { started: now, expires: now + this.ttlMs, value });
    // A failed load must not be served for a second to everyone, nor evict a newer entry.
    const entry = this.#entries.get(key);
    value.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    return value;
  }

  /** When the cached value for `key` began loading: what it can and cannot have seen. */
  startedAt(key: string): number | undefined {
    return this.#entries.get(key)?.started;
  }

  delete(key: string) {
    this.#entries.delete(key);
  }

  /** Drop every key starting with `prefix`. */
  invalidate(prefix: string) {
    for (const key of this.#entries.keys()) if (key.startsWith(prefix)) this.#entries.delete(key);
  }

  /** A Map iterates in insertion order: the first tenth is the oldest, and the hot keys were refreshed since. */
  #evictOldest() {
    let n = Math.ceil(this.maxEntries / 10);
    for (const key of this.#entries.keys()) {
      if (n-- <= 0) break;
      this.#entries.delete(key);
    }
  }
}
