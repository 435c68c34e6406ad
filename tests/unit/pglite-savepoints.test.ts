import { describe, expect, it } from "vitest";
import { sql } from "kysely";
import { createTestDatabase, dbLabel } from "../helpers/db";

describe(`transactions (${dbLabel})`, () => {
  it("support savepoints: a rolled-back savepoint undoes only its own part", async () => {
    const database = await createTestDatabase();
    try {
      const trx = await database.connection.db.startTransaction().execute();
      await sql`CREATE TEMP TABLE sp (n int)`.execute(trx);
      await sql`INSERT INTO sp VALUES (1)`.execute(trx);
      const inner = await trx.savepoint("inner").execute();
      await sql`INSERT INTO sp VALUES (2)`.execute(inner);
      await inner.rollbackToSavepoint("inner").execute();
      const kept = await trx.savepoint("kept").execute();
      await sql`INSERT INTO sp VALUES (3)`.execute(kept);
      await kept.releaseSavepoint("kept").execute();
      const rows = await sql<{ n: number }>`SELECT n FROM sp ORDER BY n`.execute(trx);
      await trx.commit().execute();
      expect(rows.rows.map((r) => r.n)).toEqual([1, 3]);
    } finally {
      await database.drop();
    }
  });
});
