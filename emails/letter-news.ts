import { button, escapeHtml, layout, type EmailContent } from "./layout";

export type NewsEvent = "update" | "delivery" | "response" | "closed";

export interface LetterNewsProps {
  event: NewsEvent;
  title: string;
  letterUrl: string;
  /** The update or the employer's response, as written; the delivery's addressee. */
  text: string;
  /** ISO date of the delivery or response, when there is one. */
  date?: string;
  unsubscribeUrl: string;
}

const HEADLINES: Record<NewsEvent, string> = {
  update: "The organizers posted an update",
  delivery: "The letter was delivered",
  response: "The employer responded",
  closed: "The letter is closed",
};

/** News of a letter to an address that asked for it: the one-click unsubscribe in headers and text. */
export function letterNewsEmail({ event, title, letterUrl, text, date, unsubscribeUrl }: LetterNewsProps): EmailContent {
  const headline = HEADLINES[event] ?? HEADLINES.update;
  const lead =
    event === "delivery"
      ? `The letter was handed to ${text}${date ? ` on ${date}` : ""}.`
      : event === "closed"
        ? "The letter no longer takes signatures. Its page stays online with the final count."
        : event === "response"
          ? `The employer's response${date ? ` (${date})` : ""}:`
          : "";
  const body = event === "update" || event === "response" ? text : "";
  const paragraphs = body.split(/\n{2,}/).map((p) => p.trim()).filter(Boolean);
  return {
    subject: `${headline}: ${title}`,
    text: [
      `${headline}: "${title}"`,
      "",
      ...(lead ? [lead, ""] : []),
      ...(paragraphs.length ? [paragraphs.join("\n\n"), ""] : []),
      `Read the letter: ${letterUrl}`,
      "",
      "You get this because you asked for news of this letter after signing it.",
      `Stop these emails (one click, no login): ${unsubscribeUrl}`,
    ].join("\n"),
    html: layout([
      `<strong>${escapeHtml(headline)}</strong>: “${escapeHtml(title)}”`,
      ...(lead ? [escapeHtml(lead)] : []),
      ...paragraphs.map((p) => escapeHtml(p).replace(/\n/g, "<br>")),
      button(letterUrl, "Read the letter"),
      `You get this because you asked for news of this letter after signing it. <a href="${escapeHtml(unsubscribeUrl)}">Stop these emails</a> (one click, no login).`,
    ]),
    headers: {
      // RFC 2369 and RFC 8058: mail clients show an unsubscribe button that POSTs to this URL.
      "List-Unsubscribe": `<${unsubscribeUrl}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
  };
}
