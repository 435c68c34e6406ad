import { button, escapeHtml, layout, type EmailContent } from "./layout";

export interface SubscriptionConfirmProps {
  confirmUrl: string;
}

// The one mail a new address gets before it has said yes: no letter title (whoever reads this inbox
// learns nothing from it), nothing sent again unless the owner confirms.
export function subscriptionConfirmEmail({ confirmUrl }: SubscriptionConfirmProps): EmailContent {
  const lines = [
    "Someone (hopefully you) asked Undersigned to send news of an open letter to this address.",
    "Nothing more will be sent here unless you confirm. To confirm, open this link and press the button on the page:",
  ];
  return {
    subject: "Confirm that you want news of a letter",
    text: [...lines, confirmUrl, "", "If this was not you, ignore this message: the request is forgotten in 3 days."].join("\n"),
    html: layout([
      ...lines.map(escapeHtml),
      button(confirmUrl, "Open the confirmation page"),
      `Or copy this address: ${escapeHtml(confirmUrl)}`,
      "If this was not you, ignore this message: the request is forgotten in 3 days.",
    ]),
  };
}
