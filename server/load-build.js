// Loads the Remix server build (`npm run build`), which holds the whole server: the process entry
// points below are plain JavaScript and run with plain `node`.
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

export async function loadBuild() {
  const file = path.resolve("build/index.js");
  if (!existsSync(file)) {
    console.error(`No server build at ${file}: run \`npm run build\` first.`);
    process.exit(1);
  }
  return import(pathToFileURL(file).href);
}

/** Runs a process's main function; any failure is printed and ends the process with status 1. */
export function run(main) {
  main().catch((error) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  });
}
