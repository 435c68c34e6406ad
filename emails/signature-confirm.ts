import { button, escapeHtml, layout, type EmailContent } from "./layout";

export interface SignatureConfirmProps {
  verifyUrl: string;
  withdrawUrl: string;
}

// Neutral on purpose: the employer can read this inbox. No letter title, no tracking.
export function signatureConfirmEmail({ verifyUrl, withdrawUrl }: SignatureConfirmProps): EmailContent {
  return {
    subject: "Please confirm your email address",
    text: [
      "Someone (hopefully you) used this address to add a signature on Undersigned.",
      "",
      "To confirm it, open this link and press the button on the page:",
      verifyUrl,
      "",
      "The link works for 72 hours. If this was not you, ignore this message: nothing is counted until the button is pressed.",
      "",
      "To withdraw the signature later, at any time:",
      withdrawUrl,
    ].join("\n"),
    html: layout([
      "Someone (hopefully you) used this address to add a signature on Undersigned.",
      "To confirm it, open this link and press the button on the page:",
      button(verifyUrl, "Open the confirmation page"),
      `Or copy this address: ${escapeHtml(verifyUrl)}`,
      "The link works for 72 hours. If this was not you, ignore this message: nothing is counted until the button is pressed.",
      `To withdraw the signature later, at any time: <a href="${escapeHtml(withdrawUrl)}">${escapeHtml(withdrawUrl)}</a>`,
    ]),
  };
}
