/**
 * A tiny read-through cache with single-flight: under a burst, one query per key per TTL reaches
 * the database and every concurrent reader awaits that same promise.
 */
interface Entry {
  started: number;
  expires: number;
  value: Promise<unknown>;
  /** The load has resolved: the value can be served stale while a refresh runs. */
  settled: boolean;
  refreshing: boolean;
}

export class TtlCache {
  #entries = new Map<string, Entry>();

  constructor(
    private ttlMs = 1_000,
    private maxEntries = 5_000,
    /** The clock: tests pass their own to step past (or stay inside) the time to live. */
    private now: () => number = Date.now,
  ) {}

  /**
   * `staleWhileRevalidate`: once the time to live is past, readers keep getting the last value while
   * one refresh runs, instead of all waiting for it (for slow reads where a second's staleness is
   * harmless, like the organizers' abuse signals). `ttlMs`: this key's time to live, when it is not
   * the cache's.
   */
  get<T>(
    key: string,
    load: () => Promise<T>,
    { staleWhileRevalidate = false, ttlMs = this.ttlMs }: { staleWhileRevalidate?: boolean; ttlMs?: number } = {},
  ): Promise<T> {
    const now = this.now();
    const hit = this.#entries.get(key);
    if (hit && hit.expires > now) return hit.value as Promise<T>;
    if (hit && staleWhileRevalidate && hit.settled) {
      if (!hit.refreshing) {
        hit.refreshing = true;
        const fresh = load();
        fresh.then(
          () => {
            if (this.#entries.get(key) === hit) this.#store(key, fresh, this.now(), true, ttlMs);
          },
          () => {
            hit.refreshing = false;
          },
        );
      }
      return hit.value as Promise<T>;
    }
    if (this.#entries.size >= this.maxEntries) this.#evictOldest();
    const value = load();
    const entry = this.#store(key, value, now, false, ttlMs);
    // A failed load must not be served for a second to everyone, nor evict a newer entry.
    value.then(
      () => {
        entry.settled = true;
      },
      () => {
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
      },
    );
    return value;
  }

  #store(key: string, value: Promise<unknown>, now: number, settled: boolean, ttlMs: number): Entry {
    const entry: Entry = { started: now, expires: now + ttlMs, value, settled, refreshing: false };
    // Re-inserting moves a refreshed key to the end, behind the ones eviction takes first.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry;
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

  /** Drop every key the test accepts. */
  invalidateWhere(test: (key: string) => boolean) {
    for (const key of this.#entries.keys()) if (test(key)) this.#entries.delete(key);
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
