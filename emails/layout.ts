export interface EmailContent {
  subject: string;
  text: string;
  html: string;
  /** Extra headers (List-Unsubscribe on bulk mail); values are made one line when sent. */
  headers?: Record<string, string>;
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** Header values must be one line: a CR/LF there would let text inject headers. */
export function oneLine(value: string): string {
  return value.replace(/[\r\n\u2028\u2029]+/g, " ").trim();
}

/** A plain, image-free wrapper: no remote resources, so nothing can act as a tracking pixel. */
export function layout(paragraphs: string[]): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head>
<body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1f2328; max-width: 36rem; margin: 0 auto; padding: 1rem;">
${paragraphs.map((p) => `<p>${p}</p>`).join("\n")}
</body></html>`;
}

export function button(url: string, label: string): string {
  return `<a href="${escapeHtml(url)}" style="display: inline-block; padding: 0.6rem 1rem; background: #1f4f99; color: #fff; text-decoration: none; border-radius: 6px;">${escapeHtml(label)}</a>`;
}
