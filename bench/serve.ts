/**
 * The production server on a fresh embedded database with the demo letter, for the scripts that look
 * at pages (Lighthouse, screenshots): `npm start` exactly, on a random port.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface Served {
  url: string;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  stop(): void;
}

/** Seeds the demo letter, runs `prepare` on the stopped database, then starts the server. */
export async function serveDemo(name: string, prepare?: (pgliteDir: string) => Promise<void>): Promise<Served> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `undersigned-${name}-`));
  const port = 24_000 + Math.floor(Math.random() * 6_000);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATA_DIR: dataDir,
    PORT: String(port),
    APP_URL: `http://127.0.0.1:${port}`,
    SESSION_SECRET: `${name}-session-secret-0123456789abcdef0123456789`,
    EMAIL_HASH_SECRET: `${name}-email-hash-secret-0123456789abcdef012345`,
    // The pages do not send mail; the worker stays out of what is measured.
    WORKER: "off",
  };
  if (spawnSync(process.execPath, ["server/seed.js"], { env, stdio: "inherit" }).status !== 0) throw new Error("seeding failed");
  await prepare?.(path.join(dataDir, "pglite"));
  const [, ...args] = (JSON.parse(readFileSync("package.json", "utf8")).scripts.start as string).split(/\s+/);
  const server = spawn(process.execPath, args, { env, stdio: ["ignore", "ignore", "inherit"] });
  process.on("exit", () => server.kill());
  const url = `http://127.0.0.1:${port}`;
  await untilHealthy(url);
  return { url, dataDir, env, stop: () => server.kill() };
}

/** Waits until the server at `url` answers /healthz (at most `tries` × 100 ms). */
export async function untilHealthy(url: string, tries = 100): Promise<void> {
  for (let i = 0; i < tries; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Chromium flags that work on this kind of machine (no sandbox, no GPU, no background traffic). */
export const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
