// `npm run worker`: the outbox worker alone (app/processes.server.ts, compiled into build/index.js).
import { loadBuild, run } from "./load-build.js";

run(async () => (await loadBuild()).entry.module.runWorkerProcess());
