import type pg from "pg";
import { hmac } from "./crypto.server";
import { canonicalEmail } from "../validation";

/**
 * Limits, in points per window. Many employees share one office IP (NAT), so the per-IP limit is
 * generous: a whole floor signing in ten minutes is the success case. The per-address limit is the
 * tight one. A letter as a whole has no ceiling: a viral letter is the success case, and a flood on
 * one letter shows in the organizers' abuse signals (see abuse.server.ts) instead.
 */
export const LIMITS = {
  signPerIp: { points: 300, duration: 600 },
  signPerAddress: { points: 6, duration: 3600 },
  /** One address across every letter: nobody gets a victim mailed by publishing letter after letter. */
  signPerAddressAnyLetter: { points: 10, duration: 86_400 },
  loginPerIp: { points: 30, duration: 600 },
  loginPerAddress: { points: 5, duration: 900 },
  /** Reports of a letter by the public: plenty for a person, too few to flood the operators. */
  reportPerIp: { points: 5, duration: 3600 },
} as const;
export type Limits = Record<keyof typeof LIMITS, { points: number; duration: number }>;

/** How often a process adds its counts to the shared ones and learns the other processes'. */
export const SYNC_MS = 1_000;
/** Keys remembered per process; past this the least recently used are forgotten (and relearned at the next sync). */
const MAX_KEYS = 200_000;

/** The limiter key for an address: its own HMAC, never a value stored elsewhere. */
export function addressKey(key: Buffer, scope: string, email: string): string {
  return hmac(key, `${scope}:${canonicalEmail(email)}`);
}

/** Which limit said no: the submitter's network or the address typed. */
export type LimitScope = "ip" | "address";
export type Verdict = { ok: true } | { ok: false; scope: LimitScope; retryAfterSeconds: number };

/** The limiter keys of one typed address: for this letter, and across all letters. */
export function signAddressKeys(key: Buffer, letterId: string, email: string): { letter: string; anyLetter: string } {
  return { letter: addressKey(key, letterId, email), anyLetter: addressKey(key, "any-letter", email) };
}

export interface RateLimits {
  enabled: boolean;
  sign(ipHash: string, address: { letter: string; anyLetter: string }): Verdict;
  login(ipHash: string, addressHash: string): Verdict;
  report(ipHash: string): Verdict;
  /** Adds this process's counts to the shared ones now (also runs every SYNC_MS). */
  sync(): Promise<void>;
  close(): Promise<void>;
}

interface Window {
  /** The window's end, ms since the epoch (windows end on multiples of their duration). */
  end: number;
  /** The total of every process, as of this process's last sync. */
  shared: number;
  /** Counted here since the last sync. */
  local: number;
  /** Counted here and being sent by the sync in flight. */
  sending: number;
  touched: boolean;
  /** Written to the shared table at least once: kept in step from then on. */
  synced: boolean;
}

/**
 * Sliding-window counters, counted in memory and reconciled with the other processes in batches.
 *
 * A request costs a map lookup, never a database round trip: the sign path stays one statement.
 * Every SYNC_MS each process adds what it counted to `rate_limit_counts` in one statement and
 * learns the totals, so limits hold across processes to within what the processes can count
 * between two syncs, and the first use of a key in each process (see worthSyncing; decision 009). Each window's row is keyed by an HMAC and the clock-aligned
 * end of the window, nothing that could line up with a signature. On PGlite (one process) the
 * memory is the whole count.
 *
 * The estimate is the classic sliding window: the current window plus the previous one weighted by
 * how much of it still overlaps the last `duration` seconds, so a key cannot spend its points at
 * the end of one window and again at the start of the next.
 */
class SharedCounters {
  #windows = new Map<string, { current: Window; previous: Window | null; ms: number; points: number }>();
  #timer: NodeJS.Timeout | null = null;
  #syncing: Promise<void> | null = null;

  constructor(
    private pool: pg.Pool | null,
    private now: () => number = Date.now,
  ) {
    if (pool) {
      this.#timer = setInterval(() => void this.sync().catch(() => {}), SYNC_MS);
      this.#timer.unref();
    }
  }

  consume(key: string, { points, duration }: { points: number; duration: number }): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const ms = duration * 1000;
    const now = this.now();
    const end = Math.floor(now / ms) * ms + ms;
    let entry = this.#windows.get(key);
    if (entry && entry.current.end !== end) {
      // The window moved on: the current one becomes the previous one (if it is the one just before).
      entry = { current: newWindow(end), previous: entry.current.end === end - ms ? entry.current : null, ms, points };
    }
    entry ??= { current: newWindow(end), previous: null, ms, points };
    // Re-inserted, so the map's order is least recently used first.
    this.#windows.delete(key);
    this.#windows.set(key, entry);
    if (this.#windows.size > MAX_KEYS) this.#windows.delete(this.#windows.keys().next().value!);

    const overlap = (end - now) / ms;
    const count = (w: Window | null) => (w ? w.shared + w.local + w.sending : 0);
    const estimate = count(entry.previous) * overlap + count(entry.current);
    entry.current.touched = true;
    if (entry.previous) entry.previous.touched = true;
    if (estimate + 1 > points) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((end - now) / 1000)) };
    entry.current.local += 1;
    return { ok: true };
  }

  /** One statement: add the local counts, read back the totals of every key used since the last sync. */
  sync(): Promise<void> {
    if (!this.pool) return Promise.resolve();
    return (this.#syncing ??= this.#sync().finally(() => (this.#syncing = null)));
  }

  async #sync(): Promise<void> {
    const keys: string[] = [];
    const ends: string[] = [];
    const adds: number[] = [];
    const sent: Window[] = [];
    const byRow = new Map<string, Window>();
    for (const [key, entry] of this.#windows) {
      for (const w of [entry.current, entry.previous]) {
        if (!w || !worthSyncing(w, entry.points)) continue;
        w.touched = false;
        w.synced = true;
        w.sending = w.local;
        w.local = 0;
        sent.push(w);
        keys.push(key);
        ends.push(new Date(w.end).toISOString());
        adds.push(w.sending);
        byRow.set(`${key}|${w.end}`, w);
      }
    }
    this.#forgetOld();
    if (keys.length === 0) return;
    try {
      const { rows } = await this.pool!.query<{ key: string; window_end: Date; n: number }>(
        `INSERT INTO rate_limit_counts (key, window_end, n)
         SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::int[])
         ON CONFLICT (key, window_end) DO UPDATE SET n = rate_limit_counts.n + excluded.n
         RETURNING key, window_end, n`,
        [keys, ends, adds],
      );
      for (const row of rows) {
        const w = byRow.get(`${row.key}|${new Date(row.window_end).getTime()}`);
        if (w) w.shared = row.n;
      }
      for (const w of sent) w.sending = 0;
    } catch (error) {
      // Not added: counted again at the next sync.
      for (const w of sent) {
        w.local += w.sending;
        w.sending = 0;
        w.touched = true;
      }
      throw error;
    }
  }

  /** Windows that ended more than a window ago can no longer refuse anything. */
  #forgetOld() {
    const now = this.now();
    for (const [key, { current, ms }] of this.#windows) {
      if (current.end + ms <= now && !current.touched && current.local === 0 && current.sending === 0) this.#windows.delete(key);
    }
  }

  async close() {
    if (this.#timer) clearInterval(this.#timer);
    await this.sync().catch(() => {});
  }
}

/**
 * What a sync writes and reads back. A key used once in this process is not written at all: most
 * addresses sign once, and writing each would be a row per signature. From its second use on it
 * is kept in step; and a key already written is refreshed while it is within half its allowance
 * of the limit, even if this process did not use it since, so that it learns what the others
 * counted before it decides again. The cost of the first rule: across N processes a key can get
 * up to N − 1 uses more than its limit in one window.
 */
function worthSyncing(w: Window, points: number): boolean {
  if (w.touched && (w.synced || w.local >= 2)) return true;
  return w.synced && (w.shared + w.local) * 2 >= points;
}

const newWindow = (end: number): Window => ({ end, shared: 0, local: 0, sending: 0, touched: false, synced: false });

/**
 * Limits across processes when there is a pool (PostgreSQL); in this process's memory on PGlite
 * (one process). `keyKey` re-keys the client-IP hash for the limiter table, so a limiter row cannot
 * be matched to the IP hash kept on signatures.
 */
export function createRateLimits(
  pool: pg.Pool | null,
  enabled: boolean,
  limits: Limits = LIMITS,
  keyKey: Buffer = Buffer.alloc(32),
  now?: () => number,
): RateLimits {
  const counters = new SharedCounters(enabled ? pool : null, now);
  const ipKey = (ipHash: string) => hmac(keyKey, `limiter-ip:${ipHash}`);

  const consumeAll = (steps: [keyof Limits, string, LimitScope][]): Verdict => {
    if (!enabled) return { ok: true };
    for (const [limit, key, scope] of steps) {
      const verdict = counters.consume(`${limit}:${key}`, limits[limit]);
      if (!verdict.ok) return { ok: false, scope, retryAfterSeconds: verdict.retryAfterSeconds };
    }
    return { ok: true };
  };

  return {
    enabled,
    sign: (ipHash, address) =>
      consumeAll([
        ["signPerIp", ipKey(ipHash), "ip"],
        ["signPerAddress", address.letter, "address"],
        ["signPerAddressAnyLetter", address.anyLetter, "address"],
      ]),
    report: (ipHash) => consumeAll([["reportPerIp", ipKey(ipHash), "ip"]]),
    login: (ipHash, addressHash) =>
      consumeAll([
        ["loginPerIp", ipKey(ipHash), "ip"],
        ["loginPerAddress", addressHash, "address"],
      ]),
    sync: () => counters.sync(),
    close: () => counters.close(),
  };
}
