import { escapeHtml } from "../emails/layout";
import { plural } from "./utils/format";

export interface EmbedFigures {
  title: string;
  organization: string;
  url: string;
  verified: number;
  goal: number | null;
  status: string;
}

/**
 * What another site may frame or show: the count, the goal, a link. No script, no cookie, no
 * remote resource; its own CSP allows any page to frame it (frame-ancestors *) and nothing else.
 */
export const EMBED_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *; base-uri 'none'; form-action 'none'";
export const BADGE_CSP = "default-src 'none'; style-src 'unsafe-inline'";

export function embedHtml(f: EmbedFigures): string {
  const percent = f.goal ? Math.min(100, Math.floor((f.verified / f.goal) * 100)) : null;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(f.title)} · Undersigned</title>
<meta name="robots" content="noindex">
<style>
:root{color-scheme:light dark;--fg:#1f2328;--bg:#fff;--muted:#59636e;--accent:#1f4f99;--track:#d8dee4}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9198a1;--accent:#79b8ff;--track:#30363d}}
body{margin:0;font:16px/1.4 system-ui,sans-serif;color:var(--fg);background:var(--bg)}
.card{padding:12px 16px;border:1px solid var(--track);border-radius:8px}
h1{font-size:1rem;margin:0 0 4px}p{margin:4px 0;color:var(--muted)}
.n{font-size:1.6rem;font-weight:700;color:var(--fg)}
.bar{height:8px;background:var(--track);border-radius:4px;overflow:hidden;margin:6px 0}
.bar span{display:block;height:100%;background:var(--accent)}
a{color:var(--accent);font-weight:600}
</style></head>
<body><div class="card">
<h1>${escapeHtml(f.title)}</h1>
<p>An open letter from employees of ${escapeHtml(f.organization)}</p>
<p><span class="n">${escapeHtml(f.verified.toLocaleString("en-US"))}</span> ${plural(f.verified, "verified signature", "verified signatures")}, each confirmed from a work address</p>
${percent !== null ? `<div class="bar" role="img" aria-label="${percent}% of the goal of ${escapeHtml(f.goal!.toLocaleString("en-US"))}"><span style="width:${percent}%"></span></div><p>${percent}% of the goal of ${escapeHtml(f.goal!.toLocaleString("en-US"))}</p>` : ""}
<p><a href="${escapeHtml(f.url)}" target="_blank" rel="noopener">${f.status === "open" ? "Read and sign" : "Read the letter"} on Undersigned</a></p>
</div></body></html>`;
}

/** A shields-style badge: "verified signatures | 1,234". Widths estimated from character counts (no font metrics). */
export function badgeSvg(verified: number): string {
  const label = "verified signatures";
  const value = verified.toLocaleString("en-US");
  const charWidth = 6.6;
  const lw = Math.round(label.length * charWidth + 12);
  const vw = Math.round(value.length * charWidth + 12);
  const w = lw + vw;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${label}: ${value}">
<title>${label}: ${value}</title>
<rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${vw}" height="20" fill="#1f4f99"/>
<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle">
<text x="${lw / 2}" y="14">${label}</text><text x="${lw + vw / 2}" y="14">${value}</text>
</g></svg>`;
}
