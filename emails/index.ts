import type { EmailContent } from "./layout";
import { letterNewsEmail, type LetterNewsProps } from "./letter-news";
import { loginLinkEmail, type LoginLinkProps } from "./login-link";
import { organizerNoticeEmail, type OrganizerNoticeProps } from "./organizer-notice";
import { organizerInviteEmail, type OrganizerInviteProps } from "./organizer-invite";
import { signatureAlreadyEmail, type SignatureAlreadyProps } from "./signature-already";
import { signatureConfirmEmail, type SignatureConfirmProps } from "./signature-confirm";
import { subscriptionConfirmEmail, type SubscriptionConfirmProps } from "./subscription-confirm";

/** Every message the outbox can carry, by kind: the row stores the kind and the props, encrypted. */
export interface EmailProps {
  "signature-confirm": SignatureConfirmProps;
  "signature-already": SignatureAlreadyProps;
  "login-link": LoginLinkProps;
  "organizer-invite": OrganizerInviteProps;
  "subscription-confirm": SubscriptionConfirmProps;
  "letter-news": LetterNewsProps;
  "organizer-notice": OrganizerNoticeProps;
}
export type EmailKind = keyof EmailProps;

const templates: { [K in EmailKind]: (props: EmailProps[K]) => EmailContent } = {
  "signature-confirm": signatureConfirmEmail,
  "signature-already": signatureAlreadyEmail,
  "login-link": loginLinkEmail,
  "organizer-invite": organizerInviteEmail,
  "subscription-confirm": subscriptionConfirmEmail,
  "letter-news": letterNewsEmail,
  "organizer-notice": organizerNoticeEmail,
};

export function renderEmail<K extends EmailKind>(kind: K, props: EmailProps[K]): EmailContent {
  const template = templates[kind] as ((props: EmailProps[K]) => EmailContent) | undefined;
  if (!template) throw new Error(`unknown email kind: ${kind}`);
  return template(props);
}

export type { EmailContent };
