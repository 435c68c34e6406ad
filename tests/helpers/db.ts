import { existsSync, readFileSync } from "node:fs";
import { inject } from "vitest";
import { connect, type Connection } from "../../db/connection";
import { migrateToLatest } from "../../db/migrate";
import { createScratchDatabase } from "../../db/scratch";

let pgliteTemplate: Blob | null | undefined;

/** The migrated templates tests/global-setup.ts made for this run (none when a file runs without it). */
function templates(): { pglite: Blob | null; pg: string | null } {
  let provided: { pgliteTemplate: string | null; pgTemplate: string | null } = { pgliteTemplate: null, pgTemplate: null };
  try {
    provided = { pgliteTemplate: inject("pgliteTemplate"), pgTemplate: inject("pgTemplate") };
  } catch {
    // Outside a vitest worker (a script): migrate each database.
  }
  if (pgliteTemplate === undefined) {
    pgliteTemplate = provided.pgliteTemplate && existsSync(provided.pgliteTemplate) ? new Blob([readFileSync(provided.pgliteTemplate)]) : null;
  }
  return { pglite: pgliteTemplate, pg: provided.pgTemplate ?? null };
}

export const onPostgres = Boolean(process.env.DATABASE_URL);
export const dbLabel = onPostgres ? "postgres" : "pglite";

export interface TestDatabase {
  connection: Connection;
  /** Set on PostgreSQL: lets a test start another process (or pool) on the same database. */
  url: string | null;
  /** Open another connection to the same database (PostgreSQL only: PGlite is one session). */
  connectAgain(): Connection;
  drop(): Promise<void>;
}

/**
 * A migrated database of its own for each test file: PGlite in memory by default, or a fresh
 * database on the PostgreSQL server of DATABASE_URL (created here, dropped afterwards).
 */
export async function createTestDatabase({ migrate = true } = {}): Promise<TestDatabase> {
  const adminUrl = process.env.DATABASE_URL;
  // Cloned from the run's migrated template (tests/global-setup.ts) where there is one.
  const template = migrate ? templates() : { pglite: null, pg: null };
  if (!adminUrl) {
    const connection = connect({ pgliteDir: "memory://", pgliteLoad: template.pglite ?? undefined });
    if (migrate && !template.pglite) await migrateToLatest(connection.db);
    return {
      connection,
      url: null,
      connectAgain: () => {
        throw new Error("PGlite is a single session: this needs PostgreSQL");
      },
      drop: () => connection.db.destroy(),
    };
  }
  const scratch = await createScratchDatabase(adminUrl, { prefix: "undersigned_test", template: template.pg ?? undefined });
  const url = new URL(scratch.url);
  const connection = connect({ databaseUrl: url.href, poolSize: 20 });
  if (migrate && !template.pg) await migrateToLatest(connection.db);
  const extra: Connection[] = [];
  return {
    connection,
    url: url.href,
    connectAgain() {
      const c = connect({ databaseUrl: url.href, poolSize: 20 });
      extra.push(c);
      return c;
    },
    async drop() {
      await Promise.allSettled([connection.db.destroy(), ...extra.map((c) => c.db.destroy())]);
      await scratch.drop();
    },
  };
}
