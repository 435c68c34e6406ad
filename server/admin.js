// `npm run admin -- <command>`: the operators' actions from the command line (app/processes.server.ts).
import { loadBuild, run } from "./load-build.js";

run(async () => (await loadBuild()).entry.module.runAdmin(process.argv.slice(2)));
