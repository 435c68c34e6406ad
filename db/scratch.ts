import { randomBytes } from "node:crypto";
import pg from "pg";

export interface ScratchDatabase {
  name: string;
  /** The connection string of the new database (the admin URL with its name). */
  url: string;
  drop(): Promise<void>;
}

/**
 * A throwaway database on the PostgreSQL server of `adminUrl`: created empty (or as a copy of
 * `template`), dropped with FORCE. Tests, their global setup and the benchmarks all make theirs here.
 */
export async function createScratchDatabase(adminUrl: string, { prefix, template }: { prefix: string; template?: string }): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await adminQuery(adminUrl, template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { name, url: url.href, drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function adminQuery(adminUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
