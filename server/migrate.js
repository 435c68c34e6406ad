// `npm run db:migrate`: from any checkout path; any failure exits 1 with the error.
import { loadBuild, run } from "./load-build.js";

run(async () => (await loadBuild()).entry.module.runMigrate());
