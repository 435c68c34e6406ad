import { escapeHtml, layout, type EmailContent } from "./layout";

export interface SignatureAlreadyProps {
  withdrawUrl: string;
}

/** Sent instead of a confirmation when the address has already confirmed: the page said the same either way. */
export function signatureAlreadyEmail({ withdrawUrl }: SignatureAlreadyProps): EmailContent {
  return {
    subject: "Your email address is already confirmed",
    text: [
      "Someone (hopefully you) tried to sign again with this address on Undersigned.",
      "Your signature was already confirmed, so nothing changed and it still counts once.",
      "",
      "To withdraw it, open this link and press the button on the page:",
      withdrawUrl,
    ].join("\n"),
    html: layout([
      "Someone (hopefully you) tried to sign again with this address on Undersigned.",
      "Your signature was already confirmed, so nothing changed and it still counts once.",
      `To withdraw it, open this link and press the button on the page: <a href="${escapeHtml(withdrawUrl)}">${escapeHtml(withdrawUrl)}</a>`,
    ]),
  };
}
