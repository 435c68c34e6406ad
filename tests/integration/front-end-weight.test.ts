import { readdirSync, readFileSync } from "node:fs";
import { brotliCompressSync, constants } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { setupAll } from "../helpers/setup";
import { startTestApp, type TestApp } from "../helpers/app";
import { dbLabel } from "../helpers/db";
import { createOpenLetter } from "../helpers/fixtures";

/** What the browser build says each route loads up front (the `npm run build` that `npm test` ran). */
function manifest() {
  const file = readdirSync("public/build").find((f) => f.startsWith("manifest-"))!;
  const source = readFileSync(`public/build/${file}`, "utf8");
  return JSON.parse(source.slice(source.indexOf("{"), source.lastIndexOf("}") + 1)) as {
    url: string;
    entry: { module: string; imports: string[] };
    routes: Record<string, { module: string; imports?: string[] }>;
  };
}

/** Every script a route's page loads before anyone touches it: entry, root, route, their shared chunks. */
function scriptsOf(route: string): string[] {
  const m = manifest();
  const root = m.routes.root!;
  const own = m.routes[route]!;
  return [...new Set([m.url, m.entry.module, ...m.entry.imports, root.module, ...(root.imports ?? []), own.module, ...(own.imports ?? [])])];
}

const brotli = (bytes: Buffer) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } }).length;
const PUBLIC_ROUTES = ["routes/_index", "routes/letters.$slug", "routes/login", "routes/letters.$slug_.check-inbox", "routes/verify.$token", "routes/withdraw.$token", "routes/letters.$slug_.report"];
const BUDGET_KB = 120;

describe("a light front end", () => {
  it.each(PUBLIC_ROUTES)(`%s loads at most ${BUDGET_KB} KB of compressed JavaScript, and no zod`, (route) => {
    const files = scriptsOf(route).map((url) => readFileSync(`public${url}`));
    const kb = files.reduce((sum, bytes) => sum + brotli(bytes), 0) / 1024;
    expect(kb).toBeLessThanOrEqual(BUDGET_KB);
    // zod's own error class name: present in any bundle that carries zod.
    for (const bytes of files) expect(bytes.toString("utf8")).not.toContain("$ZodError");
  });

  it("keeps the validation rules in a chunk of their own, loaded on demand by the sign form", () => {
    const chunks = readdirSync("public/build/_shared").filter((f) => f.startsWith("validation-"));
    expect(chunks).toHaveLength(1);
    expect(readFileSync(`public/build/_shared/${chunks[0]}`, "utf8")).toContain("$ZodError");
  });
});

let app: TestApp;
let slug: string;
setupAll(async () => {
  app = await startTestApp();
  ({ slug } = await createOpenLetter(app.services.db));
});
afterAll(() => app?.close());

describe(`compression (${dbLabel})`, () => {
  it("sends HTML, JSON, JavaScript and CSS compressed to clients that accept it, brotli first", async () => {
    const script = manifest().entry.imports[0]!;
    const css = /href="(\/build\/_assets\/[^"]+\.css)"/.exec(await (await app.get(`/letters/${slug}`)).text())![1]!;
    for (const [path, encoding] of [
      [`/letters/${slug}`, "br"],
      ["/", "br"],
      [`/api/letters/${slug}`, "br"],
      [script, "br"],
      [css, "gzip"],
    ] as const) {
      const response = await app.get(path, { headers: { "Accept-Encoding": encoding === "br" ? "gzip, br" : "gzip" } });
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-encoding"), path).toBe(encoding);
      expect(response.headers.get("vary") ?? "", path).toMatch(/Accept-Encoding/i);
      await response.arrayBuffer(); // fetch decodes it: it must still be the page
    }
    // A client that does not ask for it gets it plain.
    expect((await app.get(`/letters/${slug}`, { headers: { "Accept-Encoding": "identity" } })).headers.get("content-encoding")).toBeNull();
  });
});
