import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/**
 * Inter, as @fontsource ships it: one file per script subset and weight. The share picture and the
 * PDF packet both draw with it, so that a letter written in Cyrillic, Greek or Vietnamese, or a
 * signer's name in them, prints as typed.
 */
export const INTER_SUBSETS = ["latin", "latin-ext", "vietnamese", "cyrillic", "cyrillic-ext", "greek", "greek-ext"] as const;
export type InterSubset = (typeof INTER_SUBSETS)[number];
export type InterWeight = 400 | 700;

const files = new Map<string, Buffer>();

/** One subset in one weight (WOFF), read once per process. */
export function interFont(subset: InterSubset, weight: InterWeight): Buffer {
  const key = `${subset}-${weight}`;
  let data = files.get(key);
  if (!data) {
    data = readFileSync(require.resolve(`@fontsource/inter/files/inter-${subset}-${weight}-normal.woff`));
    files.set(key, data);
  }
  return data;
}

let ranges: { subset: InterSubset; from: number; to: number }[] | null = null;

/**
 * The subset whose file draws this code point (from @fontsource's own unicode ranges, in the order
 * of INTER_SUBSETS), or null when Inter has no glyph for it (CJK, Arabic, Hebrew, Devanagari …).
 */
export function interSubsetFor(codePoint: number): InterSubset | null {
  ranges ??= (() => {
    const table = JSON.parse(readFileSync(require.resolve("@fontsource/inter/unicode.json"), "utf8")) as Record<string, string>;
    return INTER_SUBSETS.flatMap((subset) =>
      (table[subset] ?? "").split(",").map((range) => {
        const [from, to] = range.trim().replace(/^U\+/, "").split("-").map((hex) => parseInt(hex, 16));
        return { subset, from: from!, to: to ?? from! };
      }),
    );
  })();
  return ranges.find((r) => codePoint >= r.from && codePoint <= r.to)?.subset ?? null;
}
