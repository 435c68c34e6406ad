import { describe, expect, it } from "vitest";
import { TtlCache } from "../../app/utils/cache.server";

/** A clock the test moves by hand. */
function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe("the read cache", () => {
  it("loads a key once for every concurrent reader (single flight), and again only after its time to live", async () => {
    const time = clock();
    const cache = new TtlCache(1_000, 100, time.now);
    let loads = 0;
    let release!: (v: number) => void;
    const load = () => {
      loads++;
      return new Promise<number>((resolve) => (release = resolve));
    };
    const readers = Array.from({ length: 50 }, () => cache.get("k", load));
    release(42);
    expect(await Promise.all(readers)).toEqual(Array(50).fill(42));
    expect(loads).toBe(1);
    time.advance(999);
    expect(await cache.get("k", async () => (loads++, 7))).toBe(42);
    expect(loads).toBe(1);
    time.advance(1);
    expect(await cache.get("k", async () => (loads++, 7))).toBe(7);
    expect(loads).toBe(2);
  });

  it("keeps a key for its own time to live when one is given, and drops keys by any test", async () => {
    const time = clock();
    const cache = new TtlCache(1_000, 100, time.now);
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get("slow", load, { ttlMs: 15_000 })).toBe(1);
    expect(await cache.get("fast", load)).toBe(2);
    time.advance(14_999);
    expect(await cache.get("slow", load, { ttlMs: 15_000 })).toBe(1);
    expect(await cache.get("fast", load)).toBe(3);
    time.advance(1);
    expect(await cache.get("slow", load, { ttlMs: 15_000 })).toBe(4);
    // Stale while revalidating, the refreshed value keeps the key's own time to live.
    time.advance(15_000);
    expect(await cache.get("slow", load, { ttlMs: 15_000, staleWhileRevalidate: true })).toBe(4);
    await new Promise((resolve) => setTimeout(resolve, 0));
    time.advance(14_999);
    expect(await cache.get("slow", load, { ttlMs: 15_000, staleWhileRevalidate: true })).toBe(5);
    expect(loads).toBe(5);
    expect(await cache.get("fast", load)).toBe(6);
    cache.invalidateWhere((key) => key.startsWith("sl"));
    expect(await cache.get("slow", load)).toBe(7);
    expect(await cache.get("fast", load)).toBe(6);
  });

  it("evicts the oldest tenth when full, keeping the keys refreshed since", async () => {
    const time = clock();
    const cache = new TtlCache(10_000, 10, time.now);
    for (let i = 0; i < 10; i++) await cache.get(`k${i}`, async () => i);
    // k0 is read again after expiry: refreshed, it moves to the back.
    time.advance(10_000);
    await cache.get("k0", async () => 100);
    await cache.get("k10", async () => 10); // full: the oldest (k1) goes
    expect(await cache.get("k0", async () => -1)).toBe(100);
    expect(await cache.get("k1", async () => -1)).toBe(-1);
  });

  it("forgets a failed load at once, but never a newer entry that replaced it", async () => {
    const time = clock();
    const cache = new TtlCache(1_000, 100, time.now);
    await expect(cache.get("k", () => Promise.reject(new Error("db down")))).rejects.toThrow("db down");
    expect(await cache.get("k", async () => 1)).toBe(1);
    // A slow load fails after a newer one took its place: the newer stays.
    let fail!: (e: Error) => void;
    time.advance(1_000);
    const slow = cache.get("j", () => new Promise<number>((_, reject) => (fail = reject)));
    cache.delete("j");
    expect(await cache.get("j", async () => 2)).toBe(2);
    fail(new Error("late failure"));
    await expect(slow).rejects.toThrow("late failure");
    expect(await cache.get("j", async () => 3)).toBe(2);
  });

  it("invalidates by exact key and by prefix, and says when a value began loading", async () => {
    const time = clock();
    const cache = new TtlCache(1_000, 100, time.now);
    await cache.get("page:1:1", async () => "a");
    await cache.get("page:12:1", async () => "b");
    expect(cache.startedAt("page:1:1")).toBe(time.now());
    cache.invalidate("page:1:");
    expect(await cache.get("page:1:1", async () => "A")).toBe("A");
    expect(await cache.get("page:12:1", async () => "B")).toBe("b");
  });

  it("serves the last value while one refresh runs, when asked to (stale-while-revalidate)", async () => {
    const time = clock();
    const cache = new TtlCache(1_000, 100, time.now);
    let loads = 0;
    let finish: (v: number) => void = () => {};
    expect(await cache.get("s", async () => ++loads, { staleWhileRevalidate: true })).toBe(1);
    time.advance(1_500);
    const slow = () => {
      loads++;
      return new Promise<number>((resolve) => (finish = resolve));
    };
    // Past its time: the old value at once, one refresh started, not one per reader.
    expect(await cache.get("s", slow, { staleWhileRevalidate: true })).toBe(1);
    expect(await cache.get("s", slow, { staleWhileRevalidate: true })).toBe(1);
    expect(loads).toBe(2);
    finish(2);
    await new Promise((r) => setTimeout(r, 0));
    expect(await cache.get("s", slow, { staleWhileRevalidate: true })).toBe(2);
    expect(loads).toBe(2);
    // Without the option, an expired value is never served: readers wait for the load.
    time.advance(1_500);
    expect(await cache.get("s", async () => 3)).toBe(3);
    // A failed refresh keeps the old value and lets the next reader try again.
    time.advance(1_500);
    expect(await cache.get("s", () => Promise.reject(new Error("down")), { staleWhileRevalidate: true })).toBe(3);
    await new Promise((r) => setTimeout(r, 0));
    expect(await cache.get("s", async () => 4, { staleWhileRevalidate: true })).toBe(3);
    await new Promise((r) => setTimeout(r, 0));
    expect(await cache.get("s", async () => 5, { staleWhileRevalidate: true })).toBe(4);
  });
});
