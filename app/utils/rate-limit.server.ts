import type pg from "pg";
import { hmac } from "./crypto.server";
import { canonicalEmail } from "../validation";
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
  type RateLimiterAbstract,
} from "rate-limiter-flexible";

/**
 * Limits, in points per window. Many employees share one office IP (NAT), so the per-IP limit is
 * generous: a whole floor signing in ten minutes is the success case. The per-address limit is the
 * tight one. The per-letter limit only stops floods; it is sharded so it never becomes one hot row.
 */
export const LIMITS = {
  signPerIp: { points: 300, duration: 600 },
  signPerAddress: { points: 6, duration: 3600 },
  /** One address across every letter: nobody gets a victim mailed by publishing letter after letter. */
  signPerAddressAnyLetter: { points: 10, duration: 86_400 },
  signPerLetter: { points: 12_000, duration: 60 },
  loginPerIp: { points: 30, duration: 600 },
  loginPerAddress: { points: 5, duration: 900 },
  /** Reports of a letter by the public: plenty for a person, too few to flood the operators. */
  reportPerIp: { points: 5, duration: 3600 },
} as const;
export const LETTER_SHARDS = 8;
export type Limits = Record<keyof typeof LIMITS, { points: number; duration: number }>;

/**
 * The per-letter limit is split over shards picked by the signer's fingerprint, so a viral letter
 * spreads its limiter writes over several rows instead of queueing on one.
 */
export function letterShard(addressHash: string): number {
  return parseInt(addressHash.slice(0, 8), 16) % LETTER_SHARDS;
}

/** The limiter key for an address: its own HMAC, never a value stored elsewhere. */
export function addressKey(key: Buffer, scope: string, email: string): string {
  return hmac(key, `${scope}:${canonicalEmail(email)}`);
}

/** Which limit said no: the submitter's network, the address typed, or the letter as a whole. */
export type LimitScope = "ip" | "address" | "letter";
export type Verdict = { ok: true } | { ok: false; scope: LimitScope; retryAfterSeconds: number };

/** The limiter keys of one typed address: for this letter, and across all letters. */
export function signAddressKeys(key: Buffer, letterId: string, email: string): { letter: string; anyLetter: string } {
  return { letter: addressKey(key, letterId, email), anyLetter: addressKey(key, "any-letter", email) };
}

export interface RateLimits {
  enabled: boolean;
  sign(ipHash: string, address: { letter: string; anyLetter: string }, letterId: string): Promise<Verdict>;
  login(ipHash: string, addressHash: string): Promise<Verdict>;
  report(ipHash: string): Promise<Verdict>;
}

/**
 * PostgreSQL store when there is a pool (so limits hold across processes); memory on PGlite (one
 * process). `keyKey` re-keys the client-IP hash for the limiter table, so a limiter row (whose
 * expiry is exact to the millisecond) cannot be matched to the IP hash kept on signatures.
 */
export function createRateLimits(pool: pg.Pool | null, enabled: boolean, limits: Limits = LIMITS, keyKey: Buffer = Buffer.alloc(32)): RateLimits {
  const make = (keyPrefix: string, { points, duration }: { points: number; duration: number }): RateLimiterAbstract =>
    pool
      ? new RateLimiterPostgres({
          storeClient: pool,
          storeType: "pool",
          tableName: "rate_limits",
          tableCreated: true,
          clearExpiredByTimeout: false,
          keyPrefix,
          points,
          duration,
        })
      : new RateLimiterMemory({ keyPrefix, points, duration });

  const signIp = make("sign-ip", limits.signPerIp);
  const signAddress = make("sign-address", limits.signPerAddress);
  const signAddressAnyLetter = make("sign-address-any", limits.signPerAddressAnyLetter);
  const ipKey = (ipHash: string) => hmac(keyKey, `limiter-ip:${ipHash}`);
  const signLetter = make("sign-letter", {
    points: Math.ceil(limits.signPerLetter.points / LETTER_SHARDS),
    duration: limits.signPerLetter.duration,
  });
  const loginIp = make("login-ip", limits.loginPerIp);
  const loginAddress = make("login-address", limits.loginPerAddress);
  const reportIp = make("report-ip", limits.reportPerIp);

  const consumeAll = async (steps: [RateLimiterAbstract, string, LimitScope][]): Promise<Verdict> => {
    if (!enabled) return { ok: true };
    for (const [limiter, key, scope] of steps) {
      try {
        await limiter.consume(key);
      } catch (error) {
        if (error instanceof RateLimiterRes) {
          return { ok: false, scope, retryAfterSeconds: Math.max(1, Math.ceil(error.msBeforeNext / 1000)) };
        }
        throw error;
      }
    }
    return { ok: true };
  };

  return {
    enabled,
    sign: (ipHash, address, letterId) =>
      consumeAll([
        [signIp, ipKey(ipHash), "ip"],
        [signAddress, address.letter, "address"],
        [signAddressAnyLetter, address.anyLetter, "address"],
        [signLetter, `${letterId}:${letterShard(address.letter)}`, "letter"],
      ]),
    report: (ipHash) => consumeAll([[reportIp, ipKey(ipHash), "ip"]]),
    login: (ipHash, addressHash) =>
      consumeAll([
        [loginIp, ipKey(ipHash), "ip"],
        [loginAddress, addressHash, "address"],
      ]),
  };
}
