import type { EmailContent } from "./layout";
import { loginLinkEmail, type LoginLinkProps } from "./login-link";
import { organizerInviteEmail, type OrganizerInviteProps } from "./organizer-invite";
import { signatureAlreadyEmail, type SignatureAlreadyProps } from "./signature-already";
import { signatureConfirmEmail, type SignatureConfirmProps } from "./signature-confirm";

/** Every message the outbox can carry, by kind: the row stores the kind and the props, encrypted. */
export interface EmailProps {
  "signature-confirm": SignatureConfirmProps;
  "signature-already": SignatureAlreadyProps;
  "login-link": LoginLinkProps;
  "organizer-invite": OrganizerInviteProps;
}
export type EmailKind = keyof EmailProps;

const templates: { [K in EmailKind]: (props: EmailProps[K]) => EmailContent } = {
  "signature-confirm": signatureConfirmEmail,
  "signature-already": signatureAlreadyEmail,
  "login-link": loginLinkEmail,
  "organizer-invite": organizerInviteEmail,
};

export function renderEmail<K extends EmailKind>(kind: K, props: EmailProps[K]): EmailContent {
  const template = templates[kind] as ((props: EmailProps[K]) => EmailContent) | undefined;
  if (!template) throw new Error(`unknown email kind: ${kind}`);
  return template(props);
}

export type { EmailContent };
