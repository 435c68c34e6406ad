// `npm run db:seed`: the demo letter.
import { loadBuild, run } from "./load-build.js";

run(async () => (await loadBuild()).entry.module.runSeed());
