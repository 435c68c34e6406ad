import { button, escapeHtml, layout, oneLine, type EmailContent } from "./layout";

export interface OrganizerInviteProps {
  loginUrl: string;
  /** The name the inviting organizer gave (checked: no addresses or links); absent in invitations queued before names were asked. */
  inviterName?: string;
}

/**
 * An invitation to co-organize. It says who sent it, and why it says nothing else: the letter's
 * title stays out because the invitee may read mail on a work device their employer can read. It
 * asks for nothing (no password, no reply, no hurry) and links to the sign-in page, not to a token,
 * so it cannot be mistaken for, or replayed as, a one-click login.
 */
export function organizerInviteEmail({ loginUrl, inviterName }: OrganizerInviteProps): EmailContent {
  const who = oneLine(inviterName || "Another organizer");
  const site = new URL(loginUrl).host;
  const lines = [
    `${who} invited this address to help organize an open letter on Undersigned (${site}).`,
    "Why this mail says so little: mail at work can be read by the employer, so we never put a letter's title or its subject in our mail. You will see the letter once you sign in.",
    `To accept, sign in at ${site} with this address: we mail you a one-time link. We never ask for a password, and there is nothing to install or to reply to.`,
  ];
  const after = `If you do not know ${who}, or do not want to take part, ignore this mail: nothing happens, and no one is told.`;
  return {
    subject: `${who} invited you to organize a letter on Undersigned`,
    text: [...lines, loginUrl, after].join("\n\n"),
    html: layout([...lines.map(escapeHtml), button(loginUrl, "Go to the sign-in page"), `Or copy this address: ${escapeHtml(loginUrl)}`, escapeHtml(after)]),
  };
}
