import { connect, type Connection, type DB } from "../../db/connection";
import { migrateToLatest } from "../../db/migrate";
import { deriveKeys, type Keys } from "./crypto.server";
import { createMailer, type Mailer } from "../mail/transport.server";
import type { Config } from "./env.server";
import { createLogger, type Logger } from "./log.server";
import { createMetrics, type Metrics } from "./metrics.server";
import { createRateLimits, type RateLimits } from "./rate-limit.server";
import { TtlCache } from "./cache.server";
import { createMailSignal, type MailSignal } from "../mail/signal.server";

/** Rendered pages kept at most: about 50 KB each, so a few MB in all. */
const PAGE_CACHE_ENTRIES = 200;

/** Everything a request or a worker needs, built once per process and handed to Remix as load context. */
export interface Services {
  config: Config;
  db: DB;
  dbKind: Connection["kind"];
  keys: Keys;
  mailer: Mailer;
  limits: RateLimits;
  /** Public reads (letter by slug, counts) cached for about a second: a viral link hits memory, not the database. */
  cache: TtlCache;
  /**
   * Rendered public pages (home, a letter's first page) for visitors without cookies, for about a
   * second: a viral link is served from memory without running React. Few entries: pages are big.
   */
  pageCache: TtlCache;
  log: Logger;
  /** Prometheus metrics of this process (GET /metrics with METRICS_TOKEN). */
  metrics: Metrics;
  /** Wakes mail workers (here and, on PostgreSQL, in other processes) after mail was queued. */
  mailSignal: MailSignal;
  close(): Promise<void>;
}

export interface ServiceOverrides {
  connection?: Connection;
  mailer?: Mailer;
  log?: Logger;
  /** Tests: caches on their own clock. */
  cache?: TtlCache;
  pageCache?: TtlCache;
}

export async function createServices(config: Config, overrides: ServiceOverrides = {}): Promise<Services> {
  const connection = overrides.connection ?? connect(config.database);
  // The embedded database migrates itself; PostgreSQL is migrated by `npm run db:migrate` (a deploy step).
  if (connection.kind === "pglite" && !overrides.connection) await migrateToLatest(connection.db);
  const mailer =
    overrides.mailer ??
    createMailer({
      smtpUrl: config.smtpUrl,
      mailDir: config.mailDir,
      from: config.mailFrom,
      maxConnections: config.mailMaxConnections,
      ratePerSecond: config.mailRatePerSecond,
    });
  const keys = deriveKeys(config.emailHashSecret, config.encryptionKeys);
  const limits = createRateLimits(connection.pool, config.rateLimitsEnabled, undefined, keys.rateLimit);
  const log = overrides.log ?? createLogger();
  const mailSignal = createMailSignal({
    pool: connection.pool,
    databaseUrl: config.database.databaseUrl,
    onError: (error) => log("warn", { event: "mail_listen_error", error: error.message }),
  });
  return {
    config,
    db: connection.db,
    dbKind: connection.kind,
    keys,
    mailer,
    limits,
    cache: overrides.cache ?? new TtlCache(),
    pageCache: overrides.pageCache ?? new TtlCache(1_000, PAGE_CACHE_ENTRIES),
    log,
    metrics: createMetrics(connection.db),
    mailSignal,
    async close() {
      await mailSignal.close();
      await limits.close();
      mailer.close();
      await connection.db.destroy();
    },
  };
}

declare module "@remix-run/node" {
  interface AppLoadContext extends Services {
    /** HMAC of the client IP: rate limits and abuse signals never see the raw address. */
    ipHash: string;
  }
}
