import { counted } from "../app/utils/format";
import { button, escapeHtml, layout, type EmailContent } from "./layout";

export interface OrganizerNoticeProps {
  notice: "milestone" | "goal" | "reveal" | "digest";
  /** Verified signatures now. */
  count: number;
  /** The goal or reveal threshold reached; the milestone passed. */
  threshold?: number;
  /** Digest: verified signatures added in the last 24 hours. */
  lastDay?: number;
  dashboardUrl: string;
}

const n = (value: number) => value.toLocaleString("en");
const signatures = (value: number) => counted(value, "verified signature", "verified signatures");

// No title: an organizer's address may be read by the employer too. Counts only, never identities.
export function organizerNoticeEmail({ notice, count, threshold = 0, lastDay = 0, dashboardUrl }: OrganizerNoticeProps): EmailContent {
  const [subject, line] =
    notice === "goal"
      ? ["A letter you organize reached its goal", `A letter you organize on Undersigned reached its goal of ${n(threshold)}: it has ${signatures(count)}.`]
      : notice === "reveal"
        ? ["Names are now shown on a letter you organize", `A letter you organize on Undersigned passed its reveal threshold of ${n(threshold)} public signatures: the names of those who chose to be named are now shown.`]
        : notice === "digest"
          ? ["Your daily letter digest", `In the last 24 hours, a letter you organize on Undersigned gained ${signatures(lastDay)}. It has ${signatures(count)} in all.`]
          : [`A letter you organize passed ${n(threshold)} signatures`, `A letter you organize on Undersigned passed ${n(threshold)}: it has ${signatures(count)}.`];
  const settings = "You can switch these emails off on the letter's page in your dashboard.";
  return {
    subject,
    text: [line, "", `Open your dashboard: ${dashboardUrl}`, "", settings].join("\n"),
    html: layout([escapeHtml(line), button(dashboardUrl, "Open your dashboard"), escapeHtml(settings)]),
  };
}
