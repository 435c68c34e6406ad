/**
 * Benchmarks against the built server on loopback (see BENCHMARKS.md).
 *
 *   npm run build
 *   npm run bench -- <scenario> [--db pglite|postgres] [--duration 20] [--connections 32]
 *
 * scenario: healthz | page | json | sign | confirm | limits | mail | embedded | million | all
 * --db postgres uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) as an admin
 * connection and creates, then drops, a database of its own.
 *
 * Every scenario runs the configuration people run: rate limits on (requests come from 1,000 client
 * addresses through a trusted proxy header, as behind a load balancer) and mail sent by a worker to
 * an SMTP relay (in the web process on PGlite, the embedded default; a worker process beside the web
 * process on PostgreSQL).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createCookie } from "@remix-run/node";
import autocannon from "autocannon";
import { sql } from "kysely";
import { sealPayload } from "../app/mail/outbox.server";
import { countSignatures, countSignaturesFromRows, foldCountEvents, rollupsOf } from "../app/models/counts.server";
import { createSession } from "../app/models/session.server";
import { deriveKeys, encrypt, sha256 } from "../app/utils/crypto.server";
import { createOpenLetter } from "../tests/helpers/fixtures";
import { connect, type DB } from "../db/connection";
import { migrateToLatest } from "../db/migrate";
import { createScratchDatabase } from "../db/scratch";
import { seedDemo, seedSignatures } from "../db/seed";
import { startRelay, type Relay } from "./relay";
import { untilHealthy } from "./serve";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    db: { type: "string", default: "pglite" },
    duration: { type: "string", default: "20" },
    connections: { type: "string", default: "32" },
    confirmations: { type: "string", default: "20000" },
    signatures: { type: "string", default: "1000000" },
    "mail-rate": { type: "string", default: "300" },
    "mail-seconds": { type: "string", default: "60" },
    "mail-drain": { type: "string", default: "20000" },
  },
});
const scenario = positionals[0] ?? "all";
const onPostgres = values.db === "postgres";
const duration = Number(values.duration);
const connections = Number(values.connections);

const SECRETS = {
  SESSION_SECRET: "bench-session-secret-0123456789abcdef012345",
  EMAIL_HASH_SECRET: "bench-email-hash-secret-0123456789abcdef0123",
};
const keys = deriveKeys(SECRETS.EMAIL_HASH_SECRET);

// ---------------------------------------------------------------------------------------------
// Database and processes

interface Setup {
  env: Record<string, string>;
  db: () => DB;
  close(): Promise<void>;
  drop?(): Promise<void>;
}

async function setUpDatabase(): Promise<Setup> {
  if (!onPostgres) {
    const dataDir = mkdtempSync(path.join(tmpdir(), "undersigned-bench-"));
    let db: DB | null = null;
    return {
      env: { DATA_DIR: dataDir },
      db: () => (db ??= connect({ pgliteDir: path.join(dataDir, "pglite") }).db),
      async close() {
        await db?.destroy();
        db = null;
      },
    };
  }
  const scratch = await createScratchDatabase(process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres", { prefix: "undersigned_bench" });
  let db: DB | null = null;
  return {
    env: { DATABASE_URL: scratch.url, DATABASE_POOL_SIZE: "16" },
    db: () => (db ??= connect({ databaseUrl: scratch.url }).db),
    async close() {
      await db?.destroy();
      db = null;
    },
    drop: () => scratch.drop(),
  };
}

interface Proc {
  child: ChildProcess;
  peakRssMb(): number;
  stop(): Promise<void>;
}

interface Server extends Proc {
  url: string;
  /** The worker process beside it (PostgreSQL), if any. */
  worker: Proc | null;
}

const children = new Set<ChildProcess>();
// A failed run must not leave a server holding the port or the database.
process.on("exit", () => children.forEach((c) => c.kill()));

function spawnNode(script: "start" | "worker", env: Record<string, string>): Proc {
  // Exactly what `npm start` / `npm run worker` run (node flags included), without npm in between.
  const [, ...args] = (JSON.parse(readFileSync("package.json", "utf8")).scripts[script] as string).split(/\s+/);
  if (process.env.BENCH_NODE_FLAGS) args.unshift(...process.env.BENCH_NODE_FLAGS.split(/\s+/));
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "inherit"] });
  children.add(child);
  child.once("exit", () => children.delete(child));
  return {
    child,
    // VmHWM: the process's peak resident set size so far.
    peakRssMb: () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))![1]) / 1024,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

interface ServerOptions {
  relay: Relay;
  limits?: boolean;
  /** PGlite: the in-process worker (default on, as `npm start` runs it). PostgreSQL: a worker process beside the web process. */
  worker?: boolean;
  extraEnv?: Record<string, string>;
}

async function startServer(setup: Setup, { relay, limits = true, worker = true, extraEnv = {} }: ServerOptions): Promise<Server> {
  await setup.close();
  const port = 23_000 + Math.floor(Math.random() * 10_000);
  const env = {
    ...setup.env,
    ...SECRETS,
    NODE_ENV: "production",
    PORT: String(port),
    APP_URL: `http://127.0.0.1:${port}`,
    RATE_LIMITS: limits ? "on" : "off",
    // The load generator stands in for a load balancer: X-Forwarded-For carries 1,000 client addresses.
    TRUST_PROXY: "1",
    SMTP_URL: relay.url,
    MAIL_FROM: "Undersigned <letters@undersigned.test>",
    ...extraEnv,
  };
  const web = spawnNode("start", { ...env, WORKER: worker && !onPostgres ? "on" : "off" });
  const workerProc = worker && onPostgres ? spawnNode("worker", env) : null;
  const url = `http://127.0.0.1:${port}`;
  await untilHealthy(url, 300);
  return {
    ...web,
    url,
    worker: workerProc,
    async stop() {
      await Promise.all([web.stop(), workerProc?.stop()]);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Load

interface Figures {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
  ok: number;
  peakRssMb: number;
  note?: string;
}

type CannonOptions = Omit<autocannon.Options, "url"> & { path?: string };

/** Seconds of load before each measured run: JIT compilation and first connections are not the steady state. */
const WARMUP_SECONDS = 3;
const CLIENTS = Array.from({ length: 1_000 }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
let clientIndex = 0;
const nextClient = () => CLIENTS[clientIndex++ % CLIENTS.length]!;

/** Every request from one of the 1,000 client addresses, in turn. */
function fromManyClients(requests: autocannon.Request[] | undefined, basePath: string): autocannon.Request[] {
  const list = requests ?? [{ method: "GET", path: basePath }];
  return list.map((r) => ({
    ...r,
    setupRequest: (req: autocannon.Request, context: unknown) => {
      const own = r.setupRequest as ((req: autocannon.Request, context: unknown) => autocannon.Request) | undefined;
      const built = own ? own(req, context) : req;
      // And as a browser would, it accepts compressed answers (the server compresses what it sends).
      return { ...built, headers: { ...(built.headers ?? {}), "x-forwarded-for": nextClient(), "accept-encoding": "br, gzip" } };
    },
  }));
}

async function cannon(name: string, server: Server, { path: urlPath = "", ...opts }: CannonOptions, okStatus: number, warmup = !opts.amount): Promise<Figures> {
  const requests = fromManyClients(opts.requests, urlPath);
  if (warmup) await autocannon({ connections, ...opts, requests, duration: WARMUP_SECONDS, url: server.url + urlPath });
  // A fixed amount of requests replaces the duration.
  const result = await autocannon({ connections, ...(opts.amount ? {} : { duration }), ...opts, requests, url: server.url + urlPath });
  const statuses = result.statusCodeStats as unknown as Record<string, { count: number }>;
  const ok = statuses[String(okStatus)]?.count ?? 0;
  const total = Object.values(statuses).reduce((n, s) => n + s.count, 0);
  return {
    name,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + (total - ok),
    requests: total,
    ok,
    peakRssMb: Math.round(server.peakRssMb()),
  };
}

const count = async (db: DB, table: "signatures" | "email_outbox", where?: (q: any) => any) => {
  let q = db.selectFrom(table).select((eb) => eb.fn.countAll().as("n"));
  if (where) q = where(q);
  return Number((await q.executeTakeFirstOrThrow()).n);
};

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Scenarios

const run = randomBytes(3).toString("hex");
let signSerial = 0;

/** A sign burst on `slug`: unique addresses, every one expected to answer 303. */
function signRequests(slug: string, sentAt?: Map<string, number>): autocannon.Request[] {
  return [
    {
      method: "POST",
      path: `/letters/${slug}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      setupRequest: (req) => {
        const n = signSerial++;
        const email = `bench.${run}.${n}@example.com`;
        sentAt?.set(email, performance.timeOrigin + performance.now());
        return { ...req, body: `name=Bench+Signer+${n}&email=${encodeURIComponent(email)}&title=Engineer&visibility=${n % 3 ? "public" : "anonymous"}` };
      },
    },
  ];
}

/** Sign burst; afterwards: one pending signature and, once the worker drained, exactly one mail per signature. */
async function signBurst(name: string, setup: Setup, options: ServerOptions): Promise<Figures> {
  const db0 = setup.db();
  // Mail left queued by an earlier scenario (one run without a worker) is not this run's.
  await db0.deleteFrom("email_outbox").execute();
  const before = await count(db0, "signatures");
  const mailsBefore = options.relay.messages;
  const submittedBefore = signSerial;
  const server = await startServer(setup, options);
  const figures = await cannon(name, server, { requests: signRequests("demo") }, 303);
  const submitted = signSerial - submittedBefore;
  // The worker drains the queue: wait until the relay has been quiet for two seconds. (Only the
  // server may open a PGlite directory while it runs, so the database is read after it stopped.)
  let last = -1;
  let quietSince = Date.now();
  const drained =
    options.worker === false ||
    (await waitFor(() => {
      if (options.relay.messages !== last) {
        last = options.relay.messages;
        quietSince = Date.now();
      }
      return options.relay.messages - mailsBefore >= figures.ok && Date.now() - quietSince > 2_000;
    }, 120_000));
  await server.stop();
  const signatures = (await count(setup.db(), "signatures")) - before;
  const mails = options.relay.messages - mailsBefore;
  const pending = await count(setup.db(), "email_outbox");
  const exact = signatures >= figures.ok && signatures <= submitted && (options.worker === false ? pending >= signatures : drained && mails === signatures);
  if (!exact) console.log(`  ${name}: answered 303 ${figures.ok}, submitted ${submitted}, drained ${drained}, mails ${mails}, queued ${pending}`);
  figures.note = `${signatures} new signatures, ${options.worker === false ? `${pending} mails queued (no worker)` : `${mails} mails at the relay`}: ${exact ? "one each" : "MISMATCH"}`;
  console.log(`  ${name}: ${figures.note}`);
  await setup.close();
  return figures;
}

/** `count` pending signatures on a letter, each with one live confirmation link. */
async function pendingSignatures(setup: Setup, letterId: string, n: number): Promise<string[]> {
  const tokens = Array.from({ length: n }, () => randomBytes(32).toString("base64url"));
  const db = setup.db();
  for (let i = 0; i < n; i += 1000) {
    const rows = tokens.slice(i, i + 1000).map(() => ({
      letter_id: letterId,
      email_hash: randomBytes(32).toString("hex"),
      domain: "example.com",
      letter_version: "bench",
      withdraw_token_hash: sha256(randomBytes(32).toString("hex")),
    }));
    const ids = await db.insertInto("signatures").values(rows).returning("id").execute();
    await db
      .insertInto("confirm_links")
      .values(ids.map(({ id }, j) => ({ token_hash: sha256(tokens[i + j]!), signature_id: id, letter_id: letterId, expires_at: new Date(Date.now() + 3_600_000) })))
      .execute();
  }
  await setup.close();
  return tokens;
}

async function letterIdOf(setup: Setup, slug: string): Promise<string> {
  return (await setup.db().selectFrom("letters").select("id").where("slug", "=", slug).executeTakeFirstOrThrow()).id;
}

/** A confirmation burst; afterwards the confirmed rows and the count the API shows must equal the 303s. */
async function confirmBurst(name: string, setup: Setup, slug: string, options: ServerOptions): Promise<Figures> {
  const n = Number(values.confirmations);
  const letterId = await letterIdOf(setup, slug);
  const before = (await countSignatures(setup.db(), letterId)).verified;
  const tokens = await pendingSignatures(setup, letterId, n);
  const server = await startServer(setup, options);
  let i = 0;
  const figures = await cannon(
    name,
    server,
    {
      amount: n,
      requests: [
        {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          // What the owner publishes is chosen on the page: an anonymous signature here.
          setupRequest: (req) => ({ ...req, path: `/verify/${tokens[i++ % n]}`, body: "visibility=anonymous" }),
        },
      ],
    },
    303,
  );
  await new Promise((r) => setTimeout(r, 1_500));
  const shown = (await (await fetch(`${server.url}/api/letters/${slug}`)).json()).signatures.verified - before;
  await server.stop();
  const confirmed = (await count(setup.db(), "signatures", (q) => q.where("letter_id", "=", letterId).where("status", "=", "confirmed"))) - before;
  figures.note = `${figures.ok} answered 303; ${confirmed} confirmed rows; the API shows ${shown}: ${confirmed === shown && confirmed === figures.ok ? "exact" : "MISMATCH"}`;
  console.log(`  ${name}: ${figures.note}`);
  await setup.close();
  return figures;
}

/** Rollups equal the raw aggregate (after the worker folded everything). */
async function checkRollups(setup: Setup, slug: string): Promise<string> {
  const db = setup.db();
  const letterId = await letterIdOf(setup, slug);
  await foldCountEvents(db);
  const [raw, rollups] = await Promise.all([countSignaturesFromRows(db, letterId), rollupsOf(db, letterId)]);
  const equal = JSON.stringify(sortKeys(raw)) === JSON.stringify(sortKeys(rollups));
  await setup.close();
  const total = Object.values(raw.byKey).reduce((a, b) => a + b, 0);
  const line = `rollups of /letters/${slug} ${equal ? "equal" : "DIFFER FROM"} the raw aggregate (${total.toLocaleString("en")} confirmed)`;
  console.log(`  ${line}`);
  return line;
}

const sortKeys = (o: { byKey: Record<string, number>; byHour: Record<string, number> }) => ({
  byKey: Object.fromEntries(Object.entries(o.byKey).sort()),
  byHour: Object.fromEntries(Object.entries(o.byHour).sort()),
});

/** Public reads, each on a fresh server. */
async function reads(setup: Setup, relay: Relay, list: [string, string][], extra: { headers?: Record<string, string> } = {}): Promise<Figures[]> {
  const out: Figures[] = [];
  for (const [name, urlPath] of list) {
    const server = await startServer(setup, { relay });
    try {
      out.push(await cannon(name, server, { path: urlPath, headers: extra.headers }, 200));
    } finally {
      await server.stop();
    }
  }
  return out;
}

/**
 * Mail: (1) drain — 20,000 queued confirmation mails, one worker, a STARTTLS relay taking 20 ms per
 * message and 20 connections: mails/s from first to last accepted. (2) latency — signatures at a
 * fixed rate for 60 s; from each sign POST to its message accepted by the relay: p50/p99.
 */
async function mailScenario(setup: Setup): Promise<{ figures: Figures[]; lines: string[] }> {
  const lines: string[] = [];
  const figures: Figures[] = [];
  const mailConnections = 20;

  // (1) Drain a queue.
  const drainCount = Number(values["mail-drain"]);
  const db = setup.db();
  await db.deleteFrom("email_outbox").execute();
  const queued = Array.from({ length: drainCount }, (_, i) => ({
    kind: "signature-confirm",
    payload: sealPayload(keys.encryption, `drain.${run}.${i}@example.com`, { verifyUrl: `http://127.0.0.1/verify/${"x".repeat(43)}`, withdrawUrl: `http://127.0.0.1/withdraw/${"y".repeat(43)}` }),
  }));
  for (let i = 0; i < queued.length; i += 1000) await db.insertInto("email_outbox").values(queued.slice(i, i + 1000)).execute();
  await setup.close();
  const slowRelay = await startRelay({ tls: true, delayMs: 20, maxConnections: mailConnections });
  const server = await startServer(setup, { relay: slowRelay, extraEnv: { MAIL_MAX_CONNECTIONS: String(mailConnections) } });
  const allIn = await waitFor(() => slowRelay.messages >= drainCount, 300_000);
  const times = [...slowRelay.accepted.values()].sort((a, b) => a - b);
  const seconds = (times.at(-1)! - times[0]!) / 1000;
  const drainRate = Math.round(drainCount / seconds);
  const peak = Math.round((server.worker ?? server).peakRssMb());
  await server.stop();
  await slowRelay.stop();
  const drainLine = `drain: ${slowRelay.messages} of ${drainCount} mails accepted (${allIn ? "all" : "NOT ALL"}, ${slowRelay.accepted.size} distinct recipients) in ${seconds.toFixed(1)} s = ${drainRate} mails/s; at most ${slowRelay.maxOpen} connections, ${slowRelay.refused} refused`;
  console.log(`  mail ${drainLine}`);
  lines.push(drainLine);
  figures.push({ name: "mail-drain", rps: drainRate, p50: 0, p99: 0, errors: drainCount - slowRelay.accepted.size, requests: drainCount, ok: slowRelay.accepted.size, peakRssMb: peak });

  // (2) Sign → relay latency at a fixed rate.
  const rate = Number(values["mail-rate"]);
  const mailSeconds = Number(values["mail-seconds"]);
  const relay = await startRelay({ tls: true, delayMs: 20, maxConnections: mailConnections });
  const sentAt = new Map<string, number>();
  const web = await startServer(setup, { relay, extraEnv: { MAIL_MAX_CONNECTIONS: String(mailConnections) } });
  const result = await autocannon({
    url: web.url,
    connections,
    overallRate: rate,
    duration: mailSeconds,
    requests: fromManyClients(signRequests("demo", sentAt), ""),
  });
  const okSigns = (result.statusCodeStats as unknown as Record<string, { count: number }>)["303"]?.count ?? 0;
  await waitFor(() => relay.messages >= sentAt.size - connections, 120_000);
  await new Promise((r) => setTimeout(r, 2_000));
  const latencies: number[] = [];
  let missing = 0;
  for (const [email, at] of sentAt) {
    const accepted = relay.accepted.get(email);
    if (accepted === undefined) missing++;
    else latencies.push(accepted - at);
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN);
  const webPeak = Math.round(web.peakRssMb());
  await web.stop();
  await relay.stop();
  const latencyLine = `at ${rate} signs/s for ${mailSeconds} s: ${okSigns} signs answered 303, ${relay.messages} mails accepted, ${missing} without a mail (in flight when the load stopped: at most ${connections}); sign POST → relay accepted p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${Math.round(latencies.at(-1) ?? NaN)} ms; duplicates: ${relay.messages - relay.accepted.size}`;
  console.log(`  mail ${latencyLine}`);
  lines.push(latencyLine);
  figures.push({ name: "mail-e2e", rps: Math.round(result.requests.average), p50: pct(50), p99: pct(99), errors: missing, requests: sentAt.size, ok: latencies.length, peakRssMb: webPeak });
  return { figures, lines };
}

/** The million: seed, then reads and a confirm burst on it against the same on an empty letter. */
async function millionScenario(setup: Setup, relay: Relay): Promise<{ figures: Figures[]; lines: string[] }> {
  const lines: string[] = [];
  const n = Number(values.signatures);
  const started = Date.now();
  const { letterId } = await seedSignatures(setup.db(), "demo", n);
  const seedLine = `seeded ${n.toLocaleString("en")} confirmed signatures on /letters/demo in ${Math.round((Date.now() - started) / 1000)} s`;
  console.log(`  ${seedLine}`);
  lines.push(seedLine);
  const db = setup.db();
  await sql`ANALYZE`.execute(db);
  // Cursors spread over the whole list of named signers: page 1, page 2,000, page 8,000 …
  const named = await db
    .selectFrom("signatures")
    .select(["confirmed_at", "id"])
    .where("letter_id", "=", letterId)
    .where("status", "=", "confirmed")
    .where("visibility", "=", "public")
    .orderBy("confirmed_at")
    .orderBy("id")
    .execute();
  const cursors = Array.from({ length: 20 }, (_, i) => named[Math.floor((i / 20) * (named.length - 1))]!).map((r) => `${new Date(r.confirmed_at!).getTime()}-${r.id}`);
  // An organizer of the letter, signed in.
  const organizer = await db
    .insertInto("organizers")
    .values({ email_hash: randomBytes(16).toString("hex"), email_encrypted: encrypt(keys.encryption, "bench.organizer@example.com") })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db.insertInto("letter_organizers").values({ letter_id: letterId, organizer_id: organizer.id }).execute();
  const token = await createSession(db, organizer.id);
  const cookie = (await createCookie("undersigned_session", { secrets: [SECRETS.SESSION_SECRET], httpOnly: true, sameSite: "lax", path: "/" }).serialize(token)).split(";")[0]!;
  await setup.close();

  const figures: Figures[] = [];
  let c = 0;
  const deepPage = (base: string): autocannon.Request[] => [{ method: "GET", setupRequest: (req) => ({ ...req, path: `${base}?after=${cursors[c++ % cursors.length]}` }) }];
  for (const [name, opts] of [
    ["1M page", { path: "/letters/demo" }],
    ["1M page deep", { requests: deepPage("/letters/demo") }],
    ["1M json", { path: "/api/letters/demo" }],
    ["1M signers", { requests: deepPage("/api/letters/demo/signers") }],
    ["1M dashboard", { path: `/dashboard/letters/${letterId}`, headers: { cookie } }],
    ["1M moderation", { path: `/dashboard/letters/${letterId}/moderation`, headers: { cookie } }],
  ] as [string, CannonOptions][]) {
    const server = await startServer(setup, { relay });
    try {
      figures.push(await cannon(name, server, opts, 200));
    } finally {
      await server.stop();
    }
  }

  // Confirm bursts: on the million-signature letter, and on an empty one.
  const empty = await createOpenLetter(setup.db(), { title: "An empty letter" });
  await setup.close();
  figures.push(await confirmBurst("confirm empty", setup, empty.slug, { relay }));
  figures.push(await confirmBurst("confirm 1M", setup, "demo", { relay }));
  figures.push(await confirmBurst("confirm empty again", setup, empty.slug, { relay }));
  lines.push(await checkRollups(setup, "demo"));
  return { figures, lines };
}

// ---------------------------------------------------------------------------------------------

function report(all: Figures[], lines: string[]) {
  const base = all.find((f) => f.name === "healthz");
  console.log(`\n${values.db}, ${connections} connections, ${duration}s per run`);
  console.log("scenario            |  req/s | p50 ms | p99 ms | errors | peak RSS MB | vs /healthz");
  for (const f of all) {
    const ratio = base && f.name !== "mail-drain" ? (f.rps / base.rps).toFixed(2) : "-";
    console.log(
      `${f.name.padEnd(19)} | ${String(f.rps).padStart(6)} | ${String(f.p50).padStart(6)} | ${String(f.p99).padStart(6)} | ${String(f.errors).padStart(6)} | ${String(f.peakRssMb).padStart(11)} | ${ratio}`,
    );
  }
  // A ratio of two scenarios; where a scenario ran twice around the other ("… again"), the mean of both.
  const rps = (name: string) => {
    const runs = [name, `${name} again`].map((n) => all.find((f) => f.name === n)).filter((f): f is Figures => Boolean(f));
    return runs.length ? { label: runs.length > 1 ? `mean(${name}, ${name} again)` : name, value: runs.reduce((s, f) => s + f.rps, 0) / runs.length } : null;
  };
  const ratio = (a: string, b: string) => {
    const x = rps(a);
    const y = rps(b);
    return x && y ? `${x.label} / ${y.label} = ${(x.value / y.value).toFixed(2)}` : null;
  };
  const ratios = [ratio("page", "json"), ratio("sign", "sign limits off"), ratio("confirm", "confirm limits off"), ratio("sign worker on", "sign worker off"), ratio("confirm 1M", "confirm empty")].filter(Boolean);
  if (ratios.length) console.log(`\nratios: ${ratios.join("; ")}`);
  for (const line of lines) console.log(`- ${line}`);
}

async function main() {
  const setup = await setUpDatabase();
  const db = setup.db();
  await migrateToLatest(db);
  await seedDemo(db);
  await setup.close();
  const relay = await startRelay();
  const results: Figures[] = [];
  const lines: string[] = [];
  const want = (s: string) => scenario === "all" || scenario === s;
  try {
    const server = await startServer(setup, { relay });
    results.push(await cannon("healthz", server, { path: "/healthz" }, 200));
    await server.stop();
    if (want("page") || want("json")) results.push(...(await reads(setup, relay, [["page", "/letters/demo"], ["json", "/api/letters/demo"]])));
    if (want("sign") || want("limits")) {
      results.push(await signBurst("sign", setup, { relay }));
      // On, off, on again: the machine drifts, and the ratio uses the mean of the two "on" runs.
      if (want("limits")) results.push(await signBurst("sign limits off", setup, { relay, limits: false }), await signBurst("sign again", setup, { relay }));
    }
    if (want("confirm") || want("limits")) {
      results.push(await confirmBurst("confirm", setup, "demo", { relay }));
      if (want("limits")) {
        results.push(await confirmBurst("confirm limits off", setup, "demo", { relay, limits: false }), await confirmBurst("confirm again", setup, "demo", { relay }));
      }
    }
    if (want("embedded") && !onPostgres) {
      results.push(await signBurst("sign worker on", setup, { relay }));
      results.push(await signBurst("sign worker off", setup, { relay, worker: false }));
    }
    if (want("sign") || want("confirm") || want("limits") || want("embedded")) lines.push(await checkRollups(setup, "demo"));
    if (want("mail")) {
      const mail = await mailScenario(setup);
      results.push(...mail.figures);
      lines.push(...mail.lines);
    }
    if (want("million")) {
      const million = await millionScenario(setup, relay);
      results.push(...million.figures);
      lines.push(...million.lines);
    }
  } finally {
    await relay.stop();
    await setup.close();
    await setup.drop?.();
  }
  report(results, lines);
}

await main();
