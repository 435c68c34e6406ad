import {
  json,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useEffect, useState } from "react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { counted } from "../utils/format";
import { LetterView } from "../components/letter-view";
import { SignForm } from "../components/sign-form";
import { badRequest, NO_STORE, notFound, PUBLIC_CACHE, readForm, tooManyRequests, routeHeaders } from "../utils/http.server";
import { loadLetterPage, rangeKey, requireNotTakenDown, signerRange } from "../letter-page.server";
import { cachedPublicLetter } from "../models/letter.server";
import { cacheKeys } from "../models/read-cache.server";
import { submitSignature } from "../models/signature.server";
import { signAddressKeys } from "../utils/rate-limit.server";
import { fieldErrors, formFields, SIGN_FIELDS, signatureSchema } from "../validation.server";


export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const letter = await cachedPublicLetter(context.db, context.cache, params.slug ?? "");
  if (!letter) throw notFound();
  requireNotTakenDown(letter);
  const range = signerRange(request);
  // Rendering Markdown and gathering counts once a second per page is plenty for a viral letter.
  const page = await context.cache.get(cacheKeys.page(letter.id, rangeKey(range)), () => loadLetterPage(context, letter, range));
  if (!page) throw notFound("There is no such page of signers.");
  return json(
    {
      letter: page,
      allowedDomains: letter.allowedDomains,
      askJobTitle: letter.askJobTitle,
      revealThreshold: letter.revealThreshold,
      canonical: `${context.config.appUrl}/letters/${letter.slug}`,
    },
    { headers: { "Cache-Control": PUBLIC_CACHE } },
  );
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const letter = await cachedPublicLetter(context.db, context.cache, params.slug ?? "");
  if (!letter) throw notFound();
  requireNotTakenDown(letter);
  if (letter.status !== "open") {
    throw new Response("This letter is closed: it no longer takes signatures.", { status: 409, headers: { "Cache-Control": NO_STORE } });
  }
  const values = formFields(await readForm(request), SIGN_FIELDS);
  const parsed = signatureSchema(letter.allowedDomains).safeParse(values);
  if (!parsed.success) {
    return badRequest({ errors: fieldErrors(parsed.error), values });
  }
  const ipHash = context.ipHash;
  const verdict = context.limits.sign(ipHash, signAddressKeys(context.keys.rateLimit, letter.id, parsed.data.email));
  // A limit on the submitter answers 429. A limit on the address is the owner's protection, not the
  // submitter's business: it answers like everything else, and simply sends nothing.
  if (!verdict.ok) context.metrics.rateLimited.inc({ action: "sign", scope: verdict.scope });
  if (!verdict.ok && verdict.scope !== "address") throw tooManyRequests(verdict.retryAfterSeconds, verdict.scope);
  if (verdict.ok) {
    await submitSignature({ db: context.db, keys: context.keys, appUrl: context.config.appUrl }, letter, parsed.data, ipHash);
    // Whether or not a mail was queued (the same work either way).
    context.mailSignal.queued();
    context.metrics.signatures.inc({ event: "submitted" });
  }
  // The same answer for a new, pending, confirmed or capped address: only the mail differs.
  return redirect(`/letters/${letter.slug}/check-inbox`, { status: 303, headers: { "Cache-Control": NO_STORE } });
}

export const headers = routeHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return [{ title: "Letter not found · Undersigned" }];
  const { letter, canonical } = data;
  const description = `${counted(letter.counts.verified, "verified signature", "verified signatures")}. An open letter from employees of ${letter.organization}.`;
  return [
    { title: `${letter.title} · Undersigned` },
    { name: "description", content: description },
    { tagName: "link", rel: "canonical", href: canonical },
    { tagName: "link", rel: "alternate", type: "application/atom+xml", title: `News of “${letter.title}”`, href: `${canonical}/feed.xml` },
    { property: "og:type", content: "article" },
    { property: "og:title", content: letter.title },
    { property: "og:description", content: description },
    { property: "og:url", content: canonical },
    { property: "og:site_name", content: "Undersigned" },
    // The share picture (title, organization, count): what a link to the letter shows in chats and feeds.
    { property: "og:image", content: `${canonical}/share.png` },
    { property: "og:image:type", content: "image/png" },
    { property: "og:image:width", content: "1200" },
    { property: "og:image:height", content: "630" },
    { property: "og:image:alt", content: `${letter.title}: ${description}` },
    { name: "twitter:card", content: "summary_large_image" },
    { name: "twitter:image", content: `${canonical}/share.png` },
    { name: "twitter:title", content: letter.title },
    { name: "twitter:description", content: description },
  ];
};

type Figures = { verified: number; public: number; anonymous: number };

/**
 * With JavaScript, the whole figure block (total, named and anonymous, progress) follows the JSON
 * endpoint every few seconds, while the tab is visible.
 */
function useLiveFigures(slug: string, initial: Figures): Figures {
  const [figures, setFigures] = useState(initial);
  useEffect(() => setFigures(initial), [initial.verified, initial.public, initial.anonymous]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    const timer = setInterval(async () => {
      if (document.visibilityState !== "visible") return;
      try {
        const response = await fetch(`/api/letters/${encodeURIComponent(slug)}`);
        if (!response.ok) return;
        const { verified, public: named, anonymous } = (await response.json()).signatures;
        setFigures({ verified, public: named, anonymous });
      } catch {
        // Offline for a moment: keep the last figures.
      }
    }, 5_000);
    return () => clearInterval(timer);
  }, [slug]);
  return figures;
}

export default function LetterPage() {
  const { letter, allowedDomains, askJobTitle, revealThreshold, canonical } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const live = useLiveFigures(letter.slug, letter.counts);
  const signForm =
    letter.status === "open" ? (
      <SignForm allowedDomains={allowedDomains} askJobTitle={askJobTitle} revealThreshold={revealThreshold} errors={actionData?.errors} values={actionData?.values}
        action={`/letters/${letter.slug}#sign`} />
    ) : // A closed letter says so in its outcome, at the top.
    null;
  return (
    <>
      <LetterView letter={letter} live={live} signForm={signForm} shareUrl={canonical} />
      <p className="muted report-link">
        <Link to={`/letters/${letter.slug}/report`}>Report this letter</Link> to the operators of this site.
      </p>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
