import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { notFound, PUBLIC_CACHE, routeHeaders } from "../utils/http.server";
import { requireNotTakenDown } from "../letter-page.server";
import { cachedPublicLetter } from "../models/letter.server";
import { CONFIRM_TTL_HOURS, MAIL_WINDOW_HOURS, MAX_MAILS_PER_WINDOW } from "../models/signature.server";

export async function loader({ params, context }: LoaderFunctionArgs) {
  const letter = await cachedPublicLetter(context.db, context.cache, params.slug ?? "");
  if (!letter) throw notFound();
  requireNotTakenDown(letter);
  // Nothing here depends on who signed: every signer, new or not, lands on this same page.
  return json({ slug: letter.slug, title: letter.title }, { headers: { "Cache-Control": PUBLIC_CACHE } });
}

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Check your inbox · Undersigned" }, { name: "description", content: "Check your work inbox for the link that confirms your signature." }, { name: "robots", content: "noindex" }];

export default function CheckInbox() {
  const { slug, title } = useLoaderData<typeof loader>();
  return (
    <section className="narrow" aria-labelledby="check-heading">
      <h1 id="check-heading">Check your inbox</h1>
      <p>
        If that address can sign <strong>{title}</strong>, a message is on its way to it. Open the link inside: on the
        page it opens you choose how your signature appears, then press the button. Nothing is counted until you do.
      </p>
      <p>
        The message has a neutral subject and does not name the letter. The link works for {CONFIRM_TTL_HOURS} hours.
      </p>
      <h2>No message?</h2>
      <ul>
        <li>Give it a few minutes, and look in your spam or quarantine folder.</li>
        <li>
          If you already have an earlier message from us, use the newest one: any link you received still works, and
          you choose what is published on its page.
        </li>
        <li>
          An address gets at most {MAX_MAILS_PER_WINDOW} of these messages in {MAIL_WINDOW_HOURS} hours, whoever typed it.
          If none arrives, try again tomorrow.
        </li>
      </ul>
      <p>
        <Link to={`/letters/${slug}`}>Back to the letter</Link>
      </p>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
