import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { TEST_SECRETS } from "./app";

export interface RunningProcess {
  child: ChildProcess;
  url: string;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `server/index.js` (what `npm start` runs) or `server/worker.js` (`npm run worker`) as a
 * real child process, with plain node on the compiled build, exactly as in production.
 */
export async function spawnProcess(
  entry: "server/index.js" | "server/worker.js",
  env: Record<string, string>,
  { waitFor = "listening" }: { waitFor?: string } = {},
): Promise<RunningProcess> {
  const child = spawn(process.execPath, [entry], {
    env: {
      PATH: process.env.PATH,
      DATA_DIR: mkdtempSync(path.join(tmpdir(), "undersigned-proc-")),
      // The system picks a free port; the "listening" log line says which.
      PORT: "0",
      APP_URL: "http://app.test",
      ...TEST_SECRETS,
      ...env,
    } as unknown as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  // A minute: on a busy machine, opening PGlite and running the migrations can take most of one.
  const deadline = Date.now() + 60_000;
  while (!output.includes(waitFor)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`process did not start (exit ${child.exitCode}):\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const port = /"event":"listening".*?"port":(\d+)/.exec(output)?.[1];
  return {
    child,
    url: port ? `http://127.0.0.1:${port}` : "",
    output: () => output,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs an entry to completion and returns its exit code and output (for start-up failures). */
export function runToExit(entry: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [entry], {
      env: { PATH: process.env.PATH, DATA_DIR: mkdtempSync(path.join(tmpdir(), "undersigned-proc-")), ...env } as unknown as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("exit", (code) => resolve({ code, output }));
  });
}
