import { counted } from "./utils/format";
import { TtlCache } from "./utils/cache.server";
import { interFont } from "./fonts.server";

/**
 * The picture a link to a letter shows in chats and feeds (og:image, 1200 × 630): the title, the
 * organization and the verified count. Laid out by satori (text wrapping, flexbox) into SVG and
 * rasterized to PNG by resvg; both in process, no browser.
 */
export const SHARE_IMAGE = { width: 1200, height: 630 } as const;

export interface ShareImageFigures {
  title: string;
  organization: string;
  verified: number;
  goal: number | null;
  status: string;
}

// Inter in the scripts most letters are written in; satori falls back through the list per glyph.
const SUBSETS = ["latin", "latin-ext", "cyrillic", "greek", "vietnamese"] as const;

/** The renderer, its rasterizer and the fonts, loaded with the first picture (not at start-up). */
let tools: Promise<{ satori: typeof import("satori").default; Resvg: typeof import("@resvg/resvg-js").Resvg; fonts: { name: string; weight: 400 | 700; style: "normal"; data: Buffer }[] }> | null = null;
function loadTools() {
  tools ??= Promise.all([import("satori"), import("@resvg/resvg-js")]).then(([satori, resvg]) => ({
    satori: satori.default,
    Resvg: resvg.Resvg,
    fonts: SUBSETS.flatMap((subset) =>
      ([400, 700] as const).map((weight) => ({
        name: `Inter ${subset}`,
        weight,
        style: "normal" as const,
        data: interFont(subset, weight),
      })),
    ),
  }));
  return tools;
}

type Node = { type: string; props: { style?: Record<string, unknown>; children?: unknown } };
const el = (type: string, style: Record<string, unknown>, ...children: unknown[]): Node => ({
  type,
  props: { style, children: children.length === 1 ? children[0] : children },
});

/** At most `max` characters, cut at a word, with an ellipsis: satori clamps lines, not characters. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), max - 20)).trimEnd()}…`;
}

export async function renderShareImage(f: ShareImageFigures): Promise<Buffer> {
  const { satori, Resvg, fonts } = await loadTools();
  const ink = "#14233d";
  const accent = "#1f4f99";
  const muted = "#4a5563";
  const titleSize = f.title.length > 90 ? 52 : f.title.length > 50 ? 62 : 74;
  const percent = f.goal ? Math.min(100, Math.floor((f.verified / f.goal) * 100)) : null;
  const tree = el(
    "div",
    // satori sizes boxes without their padding and border (content-box): the page minus both.
    { width: SHARE_IMAGE.width - 144, height: SHARE_IMAGE.height - 48 - 44 - 16, display: "flex", flexDirection: "column", justifyContent: "space-between", padding: "48px 72px 44px", background: "#fbfaf7", color: ink, fontFamily: SUBSETS.map((subset) => `"Inter ${subset}"`).join(", "), borderTop: `16px solid ${accent}` },
    el(
      "div",
      { display: "flex", flexDirection: "column", width: SHARE_IMAGE.width - 144 },
      el("div", { fontSize: 30, color: muted, display: "flex" }, `An open letter from employees of ${clip(f.organization, 60)}`),
      el("div", { fontSize: titleSize, fontWeight: 700, lineHeight: 1.12, marginTop: 16, width: SHARE_IMAGE.width - 144, display: "block", lineClamp: 3 }, clip(f.title, 160)),
    ),
    el(
      "div",
      { display: "flex", flexDirection: "column" },
      el(
        "div",
        { display: "flex", alignItems: "baseline" },
        el("div", { fontSize: 84, fontWeight: 700, lineHeight: 1, color: accent, marginRight: 20 }, f.verified.toLocaleString("en")),
        el("div", { fontSize: 36, color: ink }, counted(f.verified, "verified signature", "verified signatures").replace(/^[\d,]+ /, "") + (f.status === "closed" ? " (closed)" : "")),
      ),
      percent === null
        ? el("div", { display: "flex" }, "")
        : el(
            "div",
            { display: "flex", alignItems: "center", marginTop: 8 },
            el("div", { display: "flex", width: 520, height: 18, background: "#d9d6cf", borderRadius: 9 }, el("div", { width: `${percent}%`, height: 18, background: accent, borderRadius: 9 }, "")),
            el("div", { fontSize: 28, color: muted, marginLeft: 20 }, `${percent}% of ${f.goal!.toLocaleString("en")}`),
          ),
      el(
        "div",
        { display: "flex", justifyContent: "space-between", marginTop: 28, fontSize: 26, color: muted },
        el("div", { display: "flex" }, "Employees sign with their work email, verified."),
        el("div", { display: "flex", fontWeight: 700, color: ink }, "Undersigned"),
      ),
    ),
  );
  // satori reads plain { type, props } objects as React elements.
  const svg = await satori(tree as unknown as Parameters<typeof satori>[0], { ...SHARE_IMAGE, fonts });
  return new Resvg(svg, { fitTo: { mode: "width", value: SHARE_IMAGE.width }, font: { loadSystemFonts: false } }).render().asPng();
}

/**
 * Rendering takes tens of milliseconds: each letter's image is made at most once a minute per
 * process, whatever the crawlers do, and the count on it is at most that old.
 */
const images = new TtlCache(60_000, 500);
export function cachedShareImage(letterId: string, figures: () => Promise<ShareImageFigures>): Promise<Buffer> {
  return images.get(`share:${letterId}`, async () => renderShareImage(await figures()));
}
