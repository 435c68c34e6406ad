import { useEffect, useState } from "react";

/**
 * Ways to pass a letter on: copy its link, the phone's own share sheet where there is one, and
 * plain links to mail and the big networks. No third-party script, no tracker, no request to anyone
 * until the person clicks; without JavaScript the plain links and the address still work.
 */
export function ShareBlock({ url, title, heading = "Share the letter", compact = false }: { url: string; title: string; heading?: string; compact?: boolean }) {
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  const [canShare, setCanShare] = useState(false);
  useEffect(() => setCanShare(typeof navigator !== "undefined" && typeof navigator.share === "function"), []);
  const text = `${title}: an open letter. Employees sign with their work email, verified.`;
  const u = encodeURIComponent(url);
  const t = encodeURIComponent(text);
  const links = [
    ["Email", `mailto:?subject=${encodeURIComponent(title)}&body=${encodeURIComponent(`${text}\n\n${url}`)}`],
    ["WhatsApp", `https://wa.me/?text=${encodeURIComponent(`${text} ${url}`)}`],
    ["Bluesky", `https://bsky.app/intent/compose?text=${encodeURIComponent(`${text} ${url}`)}`],
    ["LinkedIn", `https://www.linkedin.com/sharing/share-offsite/?url=${u}`],
    ["X", `https://x.com/intent/post?text=${t}&url=${u}`],
    ["Facebook", `https://www.facebook.com/sharer/sharer.php?u=${u}`],
  ] as const;

  async function copy() {
    try {
      await navigator.clipboard.writeText(url);
      setCopied("yes");
    } catch {
      setCopied("no");
    }
  }

  return (
    <section className={compact ? "share share-compact" : "share"} aria-labelledby="share-heading">
      <h2 id="share-heading">{heading}</h2>
      {/* Beside the letter (compact) the page's own address is the link: no field to select it from. */}
      {compact ? null : (
        <p className="share-url">
          <label htmlFor="share-link">Link to the letter</label>
          <input id="share-link" type="url" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
        </p>
      )}
      <p className="row">
        <button type="button" className="secondary" onClick={copy}>
          Copy the link
        </button>
        {canShare ? (
          <button type="button" className="secondary" onClick={() => navigator.share({ title, text, url }).catch(() => {})}>
            Share…
          </button>
        ) : null}
        <span role="status" className="muted">
          {copied === "yes" ? "Copied." : copied === "no" ? (compact ? "Could not copy: copy the address bar instead." : "Could not copy: select the link above.") : ""}
        </span>
      </p>
      <ul className="share-links" aria-label="Share by">
        {links.map(([name, href]) => (
          <li key={name}>
            <a href={href} rel="noopener noreferrer" target="_blank">
              {name}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
