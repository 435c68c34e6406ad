import MarkdownIt from "markdown-it";

// html: false escapes any raw HTML in the source; markdown-it's validateLink already refuses
// javascript:, vbscript:, file: and data: (but images) URLs. Images stay off: no remote loads.
const md = new MarkdownIt({ html: false, linkify: true, typographer: true }).disable(["image"]);

const defaultLinkOpen =
  md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));

md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]!.attrSet("rel", "nofollow noopener noreferrer");
  return defaultLinkOpen(tokens, idx, options, env, self);
};

/** Letter bodies and updates: Markdown in, safe HTML out. */
export function renderMarkdown(source: string): string {
  return md.render(source);
}

/** The text of each block (paragraph, heading, list item) without markup: for plain-text renderings (the PDF). */
export function markdownBlocks(source: string): string[] {
  const blocks: string[] = [];
  let prefix = "";
  for (const token of md.parse(source, {})) {
    if (token.type === "list_item_open") prefix = token.info ? `${token.info}. ` : "• ";
    if (token.type !== "inline") continue;
    const text = (token.children ?? [])
      .map((c) => (c.type === "softbreak" || c.type === "hardbreak" ? "\n" : c.type === "text" || c.type === "code_inline" ? c.content : ""))
      .join("");
    blocks.push(prefix + text);
    prefix = "";
  }
  return blocks.filter((b) => b.trim());
}
