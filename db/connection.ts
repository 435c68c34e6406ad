import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import {
  Kysely,
  PGliteDialect,
  PostgresDialect,
  type DatabaseConnection,
  type Driver,
  type TransactionSettings,
} from "kysely";
import pg from "pg";
import type { Database } from "./schema";

// int8 ids and counts arrive as strings from pg; counts are small enough to be numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => value);

export type DB = Kysely<Database>;

const INT8_OID = 20;

export interface ConnectionOptions {
  databaseUrl?: string;
  /** Folder of the embedded database; "memory://" keeps it in memory (tests). */
  pgliteDir?: string;
  /** Tests: start from this data directory (a tar from PGlite's dumpDataDir) instead of an empty one. */
  pgliteLoad?: Blob;
  poolSize?: number;
}

export interface Connection {
  db: DB;
  kind: "postgres" | "pglite";
  /** The pg pool, for libraries that need a raw client (rate limiting); null on PGlite. */
  pool: pg.Pool | null;
  /** The embedded database itself (tests dump it as a template); null on PostgreSQL. */
  pglite: PGlite | null;
}

export function connect(options: ConnectionOptions): Connection {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      // Fail fast when the database is gone, so requests answer 503 instead of hanging.
      connectionTimeoutMillis: 3_000,
      idleTimeoutMillis: 30_000,
    });
    // An idle client losing its server (a PostgreSQL restart) must not crash the process.
    pool.on("error", () => {});
    pool.on("connect", (client) => preparedStatements(client));
    return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), kind: "postgres", pool, pglite: null };
  }
  const dir = options.pgliteDir ?? "./data/pglite";
  if (!dir.startsWith("memory://")) {
    // PGlite creates only the last folder of its path.
    mkdirSync(path.dirname(path.resolve(dir)), { recursive: true });
  }
  // Same shape as pg: int8 as a string (PGlite would give a number, or a BigInt past 2^53).
  const pglite = new PGlite(dir, { parsers: { [INT8_OID]: (value: string) => value }, ...(options.pgliteLoad ? { loadDataDir: options.pgliteLoad } : {}) });
  return { db: new Kysely<Database>({ dialect: new SerializedPGliteDialect(pglite) }), kind: "pglite", pool: null, pglite };
}

/**
 * PGlite is one session. Kysely's PGlite driver hands the same connection to every caller, so a
 * query from one request could run inside another request's open transaction. Queue callers so
 * each holds the connection alone, as a pool of one would.
 */
class SerializedPGliteDialect extends PGliteDialect {
  constructor(pglite: PGlite) {
    super({ pglite });
  }
  override createDriver(): Driver {
    return new SerializedDriver(super.createDriver());
  }
}

class SerializedDriver implements Driver {
  #inner: Driver;
  #tail: Promise<void> = Promise.resolve();
  #release: (() => void) | null = null;

  constructor(inner: Driver) {
    this.#inner = inner;
  }
  init() {
    return this.#inner.init();
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    this.#release = release;
    return this.#inner.acquireConnection();
  }
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await this.#inner.releaseConnection(connection);
    const release = this.#release;
    this.#release = null;
    release?.();
  }
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    return this.#inner.beginTransaction(connection, settings);
  }
  commitTransaction(connection: DatabaseConnection) {
    return this.#inner.commitTransaction(connection);
  }
  rollbackTransaction(connection: DatabaseConnection) {
    return this.#inner.rollbackTransaction(connection);
  }
  // Savepoints (trx.savepoint(), nested transactions) go to the wrapped driver too, or they would
  // silently not exist on PGlite.
  savepoint(...args: Parameters<NonNullable<Driver["savepoint"]>>) {
    return this.#inner.savepoint!(...args);
  }
  rollbackToSavepoint(...args: Parameters<NonNullable<Driver["rollbackToSavepoint"]>>) {
    return this.#inner.rollbackToSavepoint!(...args);
  }
  releaseSavepoint(...args: Parameters<NonNullable<Driver["releaseSavepoint"]>>) {
    return this.#inner.releaseSavepoint!(...args);
  }
  destroy() {
    return this.#inner.destroy();
  }
}


const MAX_PREPARED_PER_CLIENT = 100;

/**
 * Kysely sends parameterized text; PostgreSQL then parses and plans it on every call. Naming the
 * statement makes pg prepare it once per connection and reuse the plan. Bounded per connection,
 * since a statement with a variable IN-list has a new text for every length.
 */
function preparedStatements(client: pg.PoolClient) {
  const names = new Map<string, string>();
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (text: unknown, values?: unknown, callback?: unknown) => {
    if (typeof text !== "string" || !Array.isArray(values) || values.length === 0 || typeof callback === "function") {
      return query(text, values, callback);
    }
    let name = names.get(text);
    if (!name && names.size < MAX_PREPARED_PER_CLIENT) {
      name = `k${names.size}`;
      names.set(text, name);
    }
    return name ? query({ name, text, values }) : query(text, values);
  };
}
