import { randomBytes } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { connect } from "../db/connection";
import { migrateToLatest } from "../db/migrate";
import { createScratchDatabase } from "../db/scratch";

declare module "vitest" {
  export interface ProvidedContext {
    /** A migrated PGlite data directory (tar), loaded by every test database instead of migrating anew. */
    pgliteTemplate: string | null;
    /** A migrated PostgreSQL database every test database is cloned from (CREATE DATABASE … TEMPLATE). */
    pgTemplate: string | null;
  }
}

/**
 * Migrating a fresh database costs seconds, and many times that on a busy machine. It is done once
 * per run here; each test file then clones the result.
 */
export default async function setup(project: TestProject) {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const connection = connect({ pgliteDir: "memory://" });
    await migrateToLatest(connection.db);
    const { pglite } = connection;
    const dump = await pglite!.dumpDataDir("none");
    await connection.db.destroy();
    const file = path.join(tmpdir(), `undersigned-pglite-template-${process.pid}-${randomBytes(4).toString("hex")}.tar`);
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    project.provide("pgliteTemplate", file);
    project.provide("pgTemplate", null);
    return () => rmSync(file, { force: true });
  }
  const template = await createScratchDatabase(adminUrl, { prefix: "undersigned_template" });
  const connection = connect({ databaseUrl: template.url, poolSize: 1 });
  await migrateToLatest(connection.db);
  await connection.db.destroy();
  project.provide("pgliteTemplate", null);
  project.provide("pgTemplate", template.name);
  return () => template.drop();
}
