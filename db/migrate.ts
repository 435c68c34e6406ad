import { Migrator, type MigrationResultSet } from "kysely/migration";
import type { DB } from "./connection";
import { isMain, runMain } from "./main";
import { migrations } from "./migrations/index";

export async function migrateToLatest(db: DB): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error;
  return result;
}

/** Migrations this code knows that the database has not run (readiness: the schema is current). */
export async function pendingMigrations(db: DB): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  return (await migrator.getMigrations()).filter((m) => !m.executedAt).map((m) => m.name);
}

// `npm run db:migrate`: from any checkout path; any failure exits 1 with the error.
if (isMain(import.meta.url)) {
  runMain(async () => {
    const { loadConfigOrExit } = await import("../app/utils/env.server");
    const { connect } = await import("./connection");
    const config = loadConfigOrExit(process.env);
    const { db } = connect(config.database);
    try {
      const { results } = await migrateToLatest(db);
      for (const r of results ?? []) console.log(`${r.status}: ${r.migrationName}`);
      console.log(results?.length ? "migrated" : "already up to date");
    } finally {
      await db.destroy();
    }
  });
}
