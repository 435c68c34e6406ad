import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { ConnectionOptions } from "../../db/connection";
import { DEFAULT_FANOUT_RATE } from "../models/subscription.server";

// Empty strings in the environment mean "unset" (a blank line in a .env file should not win).
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

const onOff = z.enum(["on", "off"]).default("on");

const EnvSchema = z.object({
  NODE_ENV: optional(z.enum(["development", "production", "test"])),
  DATABASE_URL: optional(z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")),
  DATA_DIR: optional(z.string()),
  SMTP_URL: optional(z.string().regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")),
  MAIL_FROM: optional(z.string()),
  MAIL_DIR: optional(z.string()),
  APP_URL: optional(z.url({ protocol: /^https?$/ })),
  // Secrets: long enough to be keys, not passwords someone typed.
  SESSION_SECRET: optional(z.string().min(32, "must be at least 32 characters")),
  EMAIL_HASH_SECRET: optional(z.string().min(32, "must be at least 32 characters")),
  // Versioned encryption secrets, current first: "2:<secret>,1:<secret>" (docs/decisions/008).
  ENCRYPTION_KEYS: optional(
    z.string().transform((raw, ctx) => {
      const entries = raw.split(",").map((part) => part.trim()).filter(Boolean);
      const keys: { id: number; secret: string }[] = [];
      for (const entry of entries) {
        const match = /^(\d{1,3}):(.+)$/.exec(entry);
        const id = match ? Number(match[1]) : NaN;
        if (!match || id < 1 || id > 255) {
          ctx.addIssue({ code: "custom", message: "each entry must be <id>:<secret> with an id from 1 to 255, like 2:abc…,1:def…" });
          return z.NEVER;
        }
        if (match[2]!.length < 32) {
          ctx.addIssue({ code: "custom", message: `the secret of key ${id} must be at least 32 characters` });
          return z.NEVER;
        }
        if (keys.some((k) => k.id === id)) {
          ctx.addIssue({ code: "custom", message: `key id ${id} appears twice` });
          return z.NEVER;
        }
        keys.push({ id, secret: match[2]! });
      }
      return keys;
    }),
  ),
  PORT: optional(z.coerce.number().int().min(0).max(65535)),
  HOST: optional(z.string().regex(/^[0-9A-Za-z.:[\]-]+$/, "must be an address to listen on, like 127.0.0.1 or 0.0.0.0")),
  WORKER: optional(onOff),
  RATE_LIMITS: optional(onOff),
  PAGE_CACHE: optional(onOff),
  DATABASE_POOL_SIZE: optional(z.coerce.number().int().min(1).max(200)),
  OUTBOX_LEASE_SECONDS: optional(z.coerce.number().int().min(1).max(3600)),
  TRUST_PROXY: optional(z.coerce.number().int().min(0).max(10)),
  OPERATOR_EMAILS: optional(z.string()),
  MAIL_MAX_CONNECTIONS: optional(z.coerce.number().int().min(1).max(100)),
  MAIL_RATE_PER_SECOND: optional(z.coerce.number().int().min(1).max(100_000)),
  FANOUT_RATE_PER_SECOND: optional(z.coerce.number().int().min(1).max(10_000)),
  METRICS_TOKEN: optional(z.string().min(16, "must be at least 16 characters").regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces")),
  METRICS_PORT: optional(z.coerce.number().int().min(1).max(65535)),
});

export interface Config {
  production: boolean;
  database: ConnectionOptions;
  dataDir: string;
  smtpUrl: string | null;
  mailFrom: string;
  mailDir: string;
  /** The only origin used in links we send; never derived from a request. */
  appUrl: string;
  secureCookies: boolean;
  sessionSecret: string;
  emailHashSecret: string;
  /** Versioned encryption secrets, current first; empty: key 0, derived from EMAIL_HASH_SECRET. */
  encryptionKeys: { id: number; secret: string }[];
  port: number;
  /** The address to listen on: loopback in development (a laptop on café Wi-Fi serves nobody else). */
  host: string;
  workerEnabled: boolean;
  rateLimitsEnabled: boolean;
  /** Anonymous GETs of the home and letter pages served from rendered HTML for about a second. */
  pageCache: boolean;
  /** Proxies in front of the app (hop count): the client address is taken from X-Forwarded-For past them. */
  trustProxy: number;
  /** How long a claimed outbox row stays invisible to other workers: a crashed worker's mail returns after it. */
  outboxLeaseSeconds: number;
  /** SMTP pool size and send-rate cap (per process). */
  mailMaxConnections: number;
  mailRatePerSecond: number | null;
  /** News mails queued per second per letter event (subscribers' updates are paced, never a burst). */
  fanoutRatePerSecond: number;
  /** Addresses whose organizer accounts may use /admin (lower-cased). */
  operatorEmails: string[];
  /** Bearer token for GET /metrics; unset: no metrics endpoint at all. */
  metricsToken: string | null;
  /** A separate worker process serves /metrics on this port (the web process uses its own). */
  metricsPort: number | null;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the environment once, failing with a message that names the variable at fault. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === "production";
  const dataDir = path.resolve(e.DATA_DIR ?? "./data");
  const port = e.PORT ?? 3000;
  const appUrl = new URL(e.APP_URL ?? `http://localhost:${port}`).origin;

  const secrets = production
    ? {
        sessionSecret: requireSecret("SESSION_SECRET", e.SESSION_SECRET),
        emailHashSecret: requireSecret("EMAIL_HASH_SECRET", e.EMAIL_HASH_SECRET),
      }
    : developmentSecrets(dataDir, e.SESSION_SECRET, e.EMAIL_HASH_SECRET);

  const workerEnabled = (e.WORKER ?? "on") === "on";
  if (production && workerEnabled && !e.SMTP_URL) throw mailDirInProduction();
  return {
    production,
    database: {
      databaseUrl: e.DATABASE_URL,
      pgliteDir: path.join(dataDir, "pglite"),
      poolSize: e.DATABASE_POOL_SIZE,
    },
    dataDir,
    smtpUrl: e.SMTP_URL ?? null,
    mailFrom: e.MAIL_FROM ?? "Undersigned <no-reply@undersigned.invalid>",
    mailDir: path.resolve(e.MAIL_DIR ?? path.join(dataDir, "mail")),
    appUrl,
    secureCookies: appUrl.startsWith("https:"),
    ...secrets,
    encryptionKeys: e.ENCRYPTION_KEYS ?? [],
    port,
    host: e.HOST ?? (production ? "0.0.0.0" : "127.0.0.1"),
    workerEnabled,
    rateLimitsEnabled: (e.RATE_LIMITS ?? "on") === "on",
    pageCache: (e.PAGE_CACHE ?? "on") === "on",
    outboxLeaseSeconds: e.OUTBOX_LEASE_SECONDS ?? 120,
    trustProxy: e.TRUST_PROXY ?? 0,
    metricsToken: e.METRICS_TOKEN ?? null,
    mailMaxConnections: e.MAIL_MAX_CONNECTIONS ?? 5,
    mailRatePerSecond: e.MAIL_RATE_PER_SECOND ?? null,
    fanoutRatePerSecond: e.FANOUT_RATE_PER_SECOND ?? DEFAULT_FANOUT_RATE,
    operatorEmails: (e.OPERATOR_EMAILS ?? "").split(/[\s,]+/).map((v) => v.trim().toLowerCase()).filter(Boolean),
    metricsPort: e.METRICS_PORT ?? null,
  };
}

/** Without SMTP, mail goes to .eml files: recipients and live tokens on disk in the clear. */
export function mailDirInProduction(): ConfigError {
  return new ConfigError("SMTP_URL is required when NODE_ENV=production for a process that sends mail: the mail directory is for development only.");
}

function requireSecret(name: string, value: string | undefined): string {
  if (!value) {
    throw new ConfigError(
      `${name} is required when NODE_ENV=production. Set it to a random value of at least 32 characters, e.g. \`openssl rand -hex 32\`.`,
    );
  }
  return value;
}

/** Development: generate the secrets once and keep them beside the embedded database. */
function developmentSecrets(dataDir: string, session?: string, emailHash?: string) {
  const file = path.join(dataDir, "secrets.json");
  let stored: { sessionSecret?: string; emailHashSecret?: string } = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, "utf8"));
  if (!stored.sessionSecret || !stored.emailHashSecret) {
    stored = {
      sessionSecret: stored.sessionSecret ?? randomBytes(32).toString("hex"),
      emailHashSecret: stored.emailHashSecret ?? randomBytes(32).toString("hex"),
    };
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  return {
    sessionSecret: session ?? stored.sessionSecret!,
    emailHashSecret: emailHash ?? stored.emailHashSecret!,
  };
}

/** For process entry points: a bad environment ends the start with its message, not a stack trace. */
export function loadConfigOrExit(env: Record<string, string | undefined>): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
