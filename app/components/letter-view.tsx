import { Link } from "@remix-run/react";
import { counted, formatDay, plural } from "../utils/format";
import type { ReactNode } from "react";
import { DEMAND_KIND_LABELS } from "../form-fields";
import { GrowthChart, type GrowthPoint } from "./growth-chart";
import { ShareBlock } from "./share-block";

export interface LetterViewData {
  slug: string;
  status: string;
  title: string;
  addressee: string;
  organization: string;
  organizerName: string;
  contactEmail: string | null;
  bodyHtml: string;
  goal: number | null;
  closesAt: string | null;
  deliveredAt: string | null;
  deliveredTo: string | null;
  responseText: string | null;
  responseAt: string | null;
  demands: { kind: keyof typeof DEMAND_KIND_LABELS; text: string }[];
  updates: { html: string; createdAt: string }[];
  counts: { verified: number; public: number; anonymous: number; byDomain: Record<string, number> };
  /** When it was published, and the fingerprint of the text everyone signed (null for a draft). */
  publishedAt: string | null;
  versionHash: string | null;
  growth: GrowthPoint[];
  signers: { name: string; jobTitle: string | null }[];
  namesHidden: { threshold: number } | null;
  /** Keyset cursors of the neighbouring pages of named signers. */
  previousSigners: string | null;
  nextSigners: string | null;
}

const day = formatDay;

export function Progress({ verified, goal }: { verified: number; goal: number | null }) {
  if (!goal) return null;
  const pct = Math.min(100, Math.round((verified / goal) * 100));
  return (
    <p className="progress-line">
      <progress max={goal} value={Math.min(verified, goal)} aria-label="Progress towards the goal" />
      <span>
        {pct}% of the goal of {goal.toLocaleString("en")}
      </span>
    </p>
  );
}

/** A letter's status in a word, for organizers' lists and badges. */
export const STATUS_WORD: Record<string, string> = { draft: "Draft", open: "Open", closed: "Closed", "taken-down": "Taken down" };

/** A letter's status in words: never a raw value on a page. */
export function statusLabel(status: string): string {
  switch (status) {
    case "open":
      return "Open for signatures";
    case "draft":
      return "Preview — not published";
    case "taken-down":
      return "Taken down";
    default:
      return "Closed";
  }
}

/** The public letter, exactly as the public sees it: the letter page and the organizer preview both render this. */
export function LetterView({ letter, live, signForm, shareUrl }: { letter: LetterViewData; live?: { verified: number; public: number; anonymous: number }; signForm?: ReactNode; shareUrl?: string }) {
  const figures = live ?? letter.counts;
  const count = figures.verified;
  // A closed letter leads with what came of it; an open one keeps delivery news below the form.
  const closed = letter.status === "closed";
  const outcome = (
    <section className={closed ? "outcome" : undefined} aria-labelledby="delivery-heading">
      <h2 id="delivery-heading">{closed ? "Outcome" : "Delivery and response"}</h2>
      {closed ? <p>This letter is closed: it no longer takes signatures, and its count is final.</p> : null}
      {letter.deliveredAt ? (
        <p>
          Delivered to {letter.deliveredTo} on {day(letter.deliveredAt)}.
        </p>
      ) : (
        <p className="muted">Not delivered yet.</p>
      )}
      {letter.responseText ? (
        <blockquote className="response">
          {/* The employer's words, paragraphs as they wrote them. */}
          {letter.responseText.split(/\r?\n\s*\r?\n|\r?\n/).filter((line) => line.trim()).map((paragraph, i) => (
            <p key={i}>{paragraph}</p>
          ))}
          {letter.responseAt ? <footer>Response received {day(letter.responseAt)}</footer> : null}
        </blockquote>
      ) : letter.deliveredAt ? (
        <p className="muted">No response recorded yet.</p>
      ) : null}
    </section>
  );
  // The side panel: the figures, the form and the ways to pass the letter on. On a wide screen it
  // stays in view beside the letter; on a phone its parts fall into the reading order (count first,
  // form after the demands; see .letter-layout in styles.css).
  const side = (
    <div className="letter-side">
      <section className="count-box" aria-labelledby="count-heading">
        <h2 id="count-heading" className="visually-hidden">Signatures</h2>
        <p className="big-count" aria-live="polite">
          <strong data-testid="verified-count">{count.toLocaleString("en")}</strong> {plural(count, "verified signature", "verified signatures")}
          {closed ? " (final)" : ""}
        </p>
        <p className="muted">
          {figures.public.toLocaleString("en")} named · {figures.anonymous.toLocaleString("en")} anonymous
        </p>
        {closed ? (
          letter.goal ? (
            <p className="muted">
              Final: {Math.round((count / letter.goal) * 100)}% of the goal of {letter.goal.toLocaleString("en")}.
            </p>
          ) : null
        ) : (
          <Progress verified={count} goal={letter.goal} />
        )}
        {letter.closesAt && letter.status === "open" ? <p className="muted">Signing closes on {day(letter.closesAt)}.</p> : null}
        {letter.status === "open" && letter.publishedAt ? (
          <p className="sign-jump-line">
            <a className="button sign-jump" href="#sign">
              Sign this letter
            </a>
          </p>
        ) : null}
      </section>
      {signForm}
      {letter.publishedAt && shareUrl ? (
        <div className="side-share">
          <ShareBlock url={shareUrl} title={letter.title} compact />
          <p className="muted spread" data-testid="spread">
            Offline and elsewhere: <a href={`/letters/${letter.slug}/poster`}>print a poster</a> (with a QR code) ·{" "}
            <a href={`/letters/${letter.slug}/feed.xml`}>follow its news (Atom feed)</a> · <a href={`/letters/${letter.slug}/embed`}>embed the count</a>
          </p>
        </div>
      ) : null}
    </div>
  );
  return (
    <article className="letter">
      <header className="letter-head">
        <p className="eyebrow">
          {letter.organization} · <span className={`status status-${letter.status}`}>{statusLabel(letter.status)}</span>
        </p>
        <h1>{letter.title}</h1>
        {letter.addressee ? <p className="addressee">To: {letter.addressee}</p> : null}
        <TrustLine letter={letter} />
      </header>

      <div className="letter-layout">
        {side}
        <div className="letter-main">
          {closed ? outcome : null}

          <div className="letter-body" dangerouslySetInnerHTML={{ __html: letter.bodyHtml }} />

          {letter.demands.length > 0 ? (
            <section className="demands-section" aria-labelledby="demands-heading">
              <h2 id="demands-heading">Our demands</h2>
              <ol className="demands">
                {letter.demands.map((d, i) => (
                  <li key={i}>
                    <span className="kind">{DEMAND_KIND_LABELS[d.kind]}</span> {d.text}
                  </li>
                ))}
              </ol>
            </section>
          ) : null}

          {closed ? null : outcome}

          {letter.updates.length > 0 ? (
            <section aria-labelledby="updates-heading">
              <h2 id="updates-heading">Updates</h2>
              {letter.updates.map((u, i) => (
                <article key={i} className="update">
                  <h3>
                    <time dateTime={u.createdAt}>{day(u.createdAt)}</time>
                  </h3>
                  <div dangerouslySetInnerHTML={{ __html: u.html }} />
                </article>
              ))}
            </section>
          ) : null}

          <section aria-labelledby="growth-heading">
            <h2 id="growth-heading">Growth</h2>
            <GrowthChart points={letter.growth} />
          </section>

          <section aria-labelledby="signers-heading">
            <h2 id="signers-heading">Who signed</h2>
            {letter.namesHidden ? (
              <p>
                For everyone's safety, names are revealed once {letter.namesHidden.threshold} people have signed by name.
                So far: {letter.counts.public} named, {letter.counts.anonymous} anonymous.
              </p>
            ) : (
              <>
                {letter.signers.length > 0 ? (
                  <ul className="signers">
                    {letter.signers.map((s, i) => (
                      <li key={i}>
                        <span className="signer-name">{s.name}</span>
                        {s.jobTitle ? <span className="muted">, {s.jobTitle}</span> : null}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <p className="muted">No named signatures yet.</p>
                )}
                <nav className="pager" aria-label="Signer pages">
                  {letter.previousSigners ? <Link to={`?before=${letter.previousSigners}`}>Previous signers</Link> : null}
                  {letter.nextSigners ? <Link to={`?after=${letter.nextSigners}`}>More signers</Link> : null}
                </nav>
                {letter.counts.anonymous > 0 ? (
                  <p>and {counted(letter.counts.anonymous, "other", "others")} signed anonymously.</p>
                ) : null}
              </>
            )}
            <DomainBreakdown byDomain={letter.counts.byDomain} total={letter.counts.verified} />
          </section>
        </div>
      </div>
    </article>
  );
}

/**
 * When, and what exactly, people signed: the publication date, the closing date with its time zone,
 * and the text's fingerprint in words.
 */
function TrustLine({ letter }: { letter: LetterViewData }) {
  if (!letter.publishedAt) return null;
  return (
    <p className="trust muted">
      {letter.organizerName ? <>Organized by <strong>{letter.organizerName}</strong> · </> : null}
      {letter.contactEmail ? (
        <>
          Contact: <a href={`mailto:${letter.contactEmail}`}>{letter.contactEmail}</a> ·{" "}
        </>
      ) : null}
      Published on {day(letter.publishedAt)}
      {letter.closesAt ? (
        <>
          {" "}
          · {letter.status === "open" ? "closes" : "closed"} at the end of {day(letter.closesAt)} (UTC)
        </>
      ) : null}
      {letter.versionHash ? (
        <>
          {" "}
          · Everyone signed this exact text, as published on {day(letter.publishedAt)}: it cannot be edited since
          (text fingerprint <code>{letter.versionHash.slice(0, 12)}</code>).
        </>
      ) : null}
    </p>
  );
}

function DomainBreakdown({ byDomain, total }: { byDomain: Record<string, number>; total: number }) {
  const rows = Object.entries(byDomain);
  const shown = rows.reduce((sum, [, n]) => sum + n, 0);
  const why =
    "Groups of fewer than 5 are not shown, since a group of two is two people someone could find; nor are the next-smallest groups when the hidden ones would otherwise add up to fewer than 5, so they cannot be worked out by subtracting from the total.";
  if (rows.length === 0) return <p className="muted">Per-domain figures appear for groups of 5 or more. {why}</p>;
  return (
    <table className="domains">
      <caption>
        Verified signatures by email domain
        {total > shown ? ` (${(total - shown).toLocaleString("en")} in groups not shown)` : ""}.{" "}
        <span className="muted">{why}</span>
      </caption>
      <thead>
        <tr>
          <th scope="col">Domain</th>
          <th scope="col">Signatures</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([domain, n]) => (
          <tr key={domain}>
            <td>{domain}</td>
            <td>{n.toLocaleString("en")}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
