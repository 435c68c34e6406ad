import { json, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { MIN_DOMAIN_GROUP } from "../models/counts.server";
import { LOGIN_TTL_MINUTES } from "../models/organizer.server";
import { IP_HASH_HOURS } from "../models/retention.server";
import { SESSION_DAYS } from "../models/session.server";
import { CONFIRM_TTL_HOURS, KEEP_SPENT_LINKS_DAYS, MAIL_WINDOW_HOURS, MAX_MAILS_PER_WINDOW, PURGE_UNCONFIRMED_DAYS } from "../models/signature.server";
import { MAX_ATTEMPTS } from "../mail/outbox.server";
import { PUBLIC_CACHE, routeHeaders } from "../utils/http.server";

/** Every figure on this page comes from the constant the code itself uses: the page cannot drift from the code. */
export function loader() {
  return json(
    {
      confirmHours: CONFIRM_TTL_HOURS,
      purgeDays: PURGE_UNCONFIRMED_DAYS,
      spentLinkDays: KEEP_SPENT_LINKS_DAYS,
      mailsPerWindow: MAX_MAILS_PER_WINDOW,
      windowHours: MAIL_WINDOW_HOURS,
      ipHashHours: IP_HASH_HOURS,
      minGroup: MIN_DOMAIN_GROUP,
      sessionDays: SESSION_DAYS,
      loginMinutes: LOGIN_TTL_MINUTES,
      mailAttempts: MAX_ATTEMPTS,
    },
    { headers: { "Cache-Control": PUBLIC_CACHE } },
  );
}

export const headers = routeHeaders;
export const meta: MetaFunction = () => [
  { title: "Privacy: what Undersigned keeps about signers · Undersigned" },
  { name: "description", content: "Exactly what Undersigned stores about people who sign, for how long, and who can see it." },
];

export default function Privacy() {
  const d = useLoaderData<typeof loader>();
  return (
    <article className="prose narrow">
      <h1>What we keep about you, and for how long</h1>
      <p>
        Signing an open letter to your employer can cost you your job. Undersigned is built so that, once your signature
        is verified, there is as little as possible left to find: not in our database, not in our logs, not in our mail.
      </p>

      <h2>When you sign</h2>
      <ul>
        <li>
          <strong>Your work address</strong> is used once, to send you a link. In the database it is only ever
          encrypted (AES-256-GCM) while that mail waits to be sent; once your mail server has accepted it, the message
          and the address are deleted. If it cannot be delivered we try {d.mailAttempts} times, then erase it.
        </li>
        <li>
          What stays is a <strong>fingerprint</strong> of the address (a keyed one-way hash, different for every
          letter), so that one person counts once, and the part after the @ (the <strong>domain</strong>), which is how
          the public can see that signers work where they say.
        </li>
        <li>
          <strong>What you typed</strong> (name, job title, your choice) is sealed inside the link we mail you. Nothing
          of it is stored readable until you confirm, and only what you choose then.
        </li>
        <li>
          A <strong>hash of your network address</strong> is kept for {d.ipHashHours} hours (to spot floods), then
          erased. Times are recorded to the hour, never the minute.
        </li>
      </ul>

      <h2>When you confirm</h2>
      <ul>
        <li>
          <strong>Named</strong>: your name and job title are published with the letter (once it reaches its reveal
          threshold, if it has one).
        </li>
        <li>
          <strong>Anonymous</strong>: you are counted, and your name is never stored at all: not hidden, not encrypted,
          not kept.
        </li>
        <li>
          Per-domain figures are shown only for groups of {d.minGroup} or more, and small groups are not revealed by
          subtraction either.
        </li>
      </ul>

      <h2>Links and how long they live</h2>
      <ul>
        <li>
          A confirmation link works for {d.confirmHours} hours. An address gets at most {d.mailsPerWindow} of them per
          letter in {d.windowHours} hours, whoever asks.
        </li>
        <li>
          Signatures never confirmed are deleted after {d.purgeDays} days. A used or expired link shows only a neutral
          page for {d.spentLinkDays} days, then nothing.
        </li>
        <li>Every mail carries a link to withdraw your signature; withdrawing erases your name and stops the count.</li>
      </ul>

      <h2>Who can see what</h2>
      <ul>
        <li>
          <strong>The public</strong>: the letter, the verified count, named signers, per-domain groups of {d.minGroup}{" "}
          or more.
        </li>
        <li>
          <strong>Organizers</strong>: the same figures as the public, and nothing about who signed. They cannot export
          addresses, because there are none.
        </li>
        <li>
          <strong>Your employer</strong>: can see that a message from us arrived in your work inbox, if it reads its
          mail servers. If that worries you, sign from a device your employer does not manage, and delete the message
          after confirming.
        </li>
        <li>
          <strong>Organizer accounts</strong>: an organizer's address is kept encrypted; sign-in links last{" "}
          {d.loginMinutes} minutes, sessions {d.sessionDays} days.
        </li>
      </ul>
      <p>
        <Link to="/about">About Undersigned</Link> · <Link to="/">Letters</Link>
      </p>
    </article>
  );
}
