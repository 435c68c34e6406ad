import { button, escapeHtml, layout, type EmailContent } from "./layout";

export interface OrganizerInviteProps {
  loginUrl: string;
}

// The letter's title stays out of the message: the invitee may read mail on a work device.
export function organizerInviteEmail({ loginUrl }: OrganizerInviteProps): EmailContent {
  return {
    subject: "An invitation to Undersigned",
    text: [
      "Another organizer invited this address to help organize an open letter on Undersigned.",
      "Sign in with this address to see it:",
      loginUrl,
    ].join("\n"),
    html: layout([
      "Another organizer invited this address to help organize an open letter on Undersigned.",
      "Sign in with this address to see it:",
      button(loginUrl, "Sign in"),
      `Or copy this address: ${escapeHtml(loginUrl)}`,
    ]),
  };
}
