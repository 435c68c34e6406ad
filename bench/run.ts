/**
 * Benchmarks against the built server on loopback (see BENCHMARKS.md).
 *
 *   npm run build
 *   npm run bench -- <scenario> [--db pglite|postgres] [--duration 30] [--connections 32]
 *
 * scenario: healthz | sign | confirm | page | json | all
 * --db postgres uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) as an admin
 * connection and creates, then drops, a database of its own.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { sha256 } from "../app/utils/crypto.server";
import { connect, type DB } from "../db/connection";
import { migrateToLatest } from "../db/migrate";
import { createScratchDatabase } from "../db/scratch";
import { seedDemo } from "../db/seed";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    db: { type: "string", default: "pglite" },
    duration: { type: "string", default: "30" },
    connections: { type: "string", default: "32" },
    confirmations: { type: "string", default: "20000" },
  },
});
const scenario = positionals[0] ?? "all";
const onPostgres = values.db === "postgres";
const duration = Number(values.duration);
const connections = Number(values.connections);

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

async function dropDatabase(setup: Setup) {
  await setup.drop?.();
}

interface Server {
  url: string;
  child: ChildProcess;
  peakRssMb(): number;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
// A failed run must not leave a server holding the port or the database.
process.on("exit", () => children.forEach((c) => c.kill()));

async function startServer(env: Record<string, string>): Promise<Server> {
  const port = 23_000 + Math.floor(Math.random() * 10_000);
  // Exactly what `npm start` runs (node flags included), without npm in between.
  const [, ...args] = (JSON.parse(readFileSync("package.json", "utf8")).scripts.start as string).split(/\s+/);
  if (process.env.BENCH_NODE_FLAGS) args.unshift(...process.env.BENCH_NODE_FLAGS.split(/\s+/));
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      ...env,
      NODE_ENV: "production",
      PORT: String(port),
      APP_URL: `http://127.0.0.1:${port}`,
      SESSION_SECRET: "bench-session-secret-0123456789abcdef012345",
      EMAIL_HASH_SECRET: "bench-email-hash-secret-0123456789abcdef0123",
      RATE_LIMITS: "off",
      // Mail is the workers' job (npm run worker); the web process is what this measures.
      WORKER: "off",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    // VmHWM: the process's peak resident set size so far.
    peakRssMb: () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))![1]) / 1024,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

interface Figures {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
  ok: number;
  peakRssMb: number;
}

type CannonOptions = Omit<autocannon.Options, "url"> & { path?: string };

/** Seconds of load before each measured run: JIT compilation and first connections are not the steady state. */
const WARMUP_SECONDS = 3;

async function cannon(name: string, server: Server, { path: urlPath = "", ...opts }: CannonOptions, okStatus: number): Promise<Figures> {
  if (!opts.amount) await autocannon({ connections, ...opts, duration: WARMUP_SECONDS, url: server.url + urlPath });
  // A fixed amount of requests replaces the duration.
  const result = await autocannon({ connections, ...(opts.amount ? {} : { duration }), ...opts, url: server.url + urlPath });
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

const healthz = (server: Server) => cannon("healthz", server, { path: "/healthz" }, 200);

async function signBurst(server: Server, setup: Setup): Promise<Figures> {
  let n = 0;
  const run = randomBytes(3).toString("hex");
  const figures = await cannon(
    "sign",
    server,
    {
      requests: [
        {
          method: "POST",
          path: "/letters/demo",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          setupRequest: (req) => ({
            ...req,
            body: `name=Bench+Signer+${n}&email=bench.${run}.${n++}%40example.com&title=Engineer&visibility=${n % 3 ? "public" : "anonymous"}`,
          }),
        },
      ],
    },
    303,
  );
  await server.stop();
  const db = setup.db();
  const signatures = Number((await db.selectFrom("signatures").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
  const outbox = Number((await db.selectFrom("email_outbox").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
  // Requests still in flight when autocannon stops are processed by the server but not counted as
  // answered: at most one per connection.
  // Every submission (warm-up included) has a unique address: one pending signature and one
  // outbox row each; the warm-up's and the in-flight ones make up the difference to `ok`.
  const submitted = n;
  const exact = signatures === outbox && signatures >= figures.ok && signatures <= submitted;
  console.log(`  sign: ${figures.ok} answered 303 in the measured ${duration}s (${submitted} submitted with warm-up); pending signatures: ${signatures}; outbox rows: ${outbox}; ${exact ? "one signature and one outbox row each" : "MISMATCH"}`);
  await setup.close();
  return figures;
}

async function confirmBurst(setup: Setup): Promise<{ figures: Figures; server: Server }> {
  const count = Number(values.confirmations);
  const tokens = Array.from({ length: count }, () => randomBytes(32).toString("base64url"));
  const db = setup.db();
  const letter = await db.selectFrom("letters").select("id").where("slug", "=", "demo").executeTakeFirstOrThrow();
  // Pending signatures (no name, no choice yet), each with one mailed link.
  const rows = tokens.map(() => ({
    letter_id: letter.id,
    email_hash: randomBytes(32).toString("hex"),
    domain: "example.com",
    letter_version: "bench",
    withdraw_token_hash: sha256(randomBytes(32).toString("hex")),
  }));
  for (let i = 0; i < rows.length; i += 1000) {
    const ids = await db.insertInto("signatures").values(rows.slice(i, i + 1000)).returning("id").execute();
    await db
      .insertInto("confirm_links")
      .values(ids.map(({ id }, j) => ({ token_hash: sha256(tokens[i + j]!), signature_id: id, letter_id: letter.id, expires_at: new Date(Date.now() + 3_600_000) })))
      .execute();
  }
  await setup.close();
  const server = await startServer(setup.env);
  let i = 0;
  const figures = await cannon(
    "confirm",
    server,
    {
      amount: count,
      requests: [
        {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          // What the owner publishes is chosen on the page: an anonymous signature here.
          setupRequest: (req) => ({ ...req, path: `/verify/${tokens[i++ % count]}`, body: "visibility=anonymous" }),
        },
      ],
    },
    303,
  );
  return { figures, server };
}

function report(all: Figures[]) {
  const base = all.find((f) => f.name === "healthz");
  console.log(`\n${values.db}, ${connections} connections${duration ? `, ${duration}s` : ""}`);
  console.log("scenario  | req/s | p50 ms | p99 ms | errors | peak RSS MB | vs /healthz");
  for (const f of all) {
    const ratio = base ? (f.rps / base.rps).toFixed(2) : "-";
    console.log(`${f.name.padEnd(9)} | ${String(f.rps).padStart(5)} | ${String(f.p50).padStart(6)} | ${String(f.p99).padStart(6)} | ${String(f.errors).padStart(6)} | ${String(f.peakRssMb).padStart(11)} | ${ratio}`);
  }
}

/** Each scenario on a fresh server process, so its peak RSS is its own. */
async function withServer<T>(setup: Setup, run: (server: Server) => Promise<T>): Promise<T> {
  await setup.close();
  const server = await startServer(setup.env);
  try {
    return await run(server);
  } finally {
    if (server.child.exitCode === null) await server.stop();
  }
}

async function main() {
  const setup = await setUpDatabase();
  const db = setup.db();
  await migrateToLatest(db);
  await seedDemo(db);
  const results: Figures[] = [];
  const want = (s: string) => scenario === "all" || scenario === s;
  try {
    results.push(await withServer(setup, healthz));
    if (want("page")) results.push(await withServer(setup, (server) => cannon("page", server, { path: "/letters/demo" }, 200)));
    if (want("json")) results.push(await withServer(setup, (server) => cannon("json", server, { path: "/api/letters/demo" }, 200)));
    if (want("sign")) results.push(await withServer(setup, (server) => signBurst(server, setup)));
    if (want("confirm")) {
      const { figures, server } = await confirmBurst(setup);
      results.push(figures);
      await new Promise((r) => setTimeout(r, 1_200));
      const shown = (await (await fetch(`${server.url}/api/letters/demo`)).json()).signatures.verified;
      await server.stop();
      const confirmed = Number(
        (await setup.db().selectFrom("signatures").select((eb) => eb.fn.countAll().as("n")).where("status", "=", "confirmed").executeTakeFirstOrThrow()).n,
      );
      console.log(`  confirm: ${figures.ok} answered 303; confirmed rows: ${confirmed}; count shown: ${shown}; ${confirmed === shown && confirmed === figures.ok ? "exact" : "MISMATCH"}`);
    }
  } finally {
    await setup.close();
    await dropDatabase(setup);
  }
  report(results);
}

await main();
