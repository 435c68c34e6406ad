import { button, escapeHtml, layout, type EmailContent } from "./layout";

export interface LoginLinkProps {
  loginUrl: string;
}

export function loginLinkEmail({ loginUrl }: LoginLinkProps): EmailContent {
  return {
    subject: "Your Undersigned sign-in link",
    text: [
      "Open this link and press the button to sign in to Undersigned:",
      loginUrl,
      "",
      "The link works once, for 15 minutes. If you did not ask for it, ignore this message.",
    ].join("\n"),
    html: layout([
      "Open this link and press the button to sign in to Undersigned:",
      button(loginUrl, "Sign in"),
      `Or copy this address: ${escapeHtml(loginUrl)}`,
      "The link works once, for 15 minutes. If you did not ask for it, ignore this message.",
    ]),
  };
}
