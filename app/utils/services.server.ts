import { connect, type Connection, type DB } from "../../db/connection";
import { migrateToLatest } from "../../db/migrate";
import { deriveKeys, type Keys } from "./crypto.server";
import { createMailer, type Mailer } from "../mail/transport.server";
import type { Config } from "./env.server";
import { createLogger, type Logger } from "./log.server";
import { createMetrics, type Metrics } from "./metrics.server";
import { createRateLimits, type RateLimits } from "./rate-limit.server";
import { TtlCache } from "./cache.server";

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
  log: Logger;
  /** Prometheus metrics of this process (GET /metrics with METRICS_TOKEN). */
  metrics: Metrics;
  close(): Promise<void>;
}

export interface ServiceOverrides {
  connection?: Connection;
  mailer?: Mailer;
  log?: Logger;
  /** Tests: a cache on their own clock. */
  cache?: TtlCache;
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
  return {
    config,
    db: connection.db,
    dbKind: connection.kind,
    keys,
    mailer,
    limits,
    cache: overrides.cache ?? new TtlCache(),
    log: overrides.log ?? createLogger(),
    metrics: createMetrics(connection.db),
    async close() {
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
