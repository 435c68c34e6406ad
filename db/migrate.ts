import { Migrator, type MigrationResultSet } from "kysely/migration";
import type { DB } from "./connection";
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

// `npm run db:migrate`
if (import.meta.url === `file://${process.argv[1]}`) {
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
}
