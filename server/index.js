// `npm start`: the web process (app/processes.server.ts, compiled into build/index.js).
import { loadBuild, run } from "./load-build.js";

run(async () => {
  const build = await loadBuild();
  await build.entry.module.runWebProcess(build);
});
