import { json, redirect, type ActionFunctionArgs, type AppLoadContext, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { plural } from "../utils/format";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { ShareBlock } from "../components/share-block";
import { SignerFields } from "../components/signer-fields";
import { SpentLink } from "../components/spent-link";
import { badRequest, readForm, routeHeaders, waitInWords } from "../utils/http.server";
import { cachedCounts } from "../models/letter.server";
import { cacheKeys } from "../models/read-cache.server";
import { confirmedResult, confirmSignature, findConfirmLink } from "../models/signature.server";
import { subscribe, SUBSCRIBER_RETENTION_DAYS, type SubscribeResult } from "../models/subscription.server";
import { addressKey } from "../utils/rate-limit.server";
import { noStoreHeaders, rememberResult, resultFor, spentLink, unknownLink } from "../token-page.server";
import { CONFIRM_FIELDS, ConfirmSchema, fieldErrors, formFields, SubscribeSchema } from "../validation.server";

// GET and HEAD only show. Mail scanners open every link and must not confirm anything; and once a
// link has done its job, whoever opens it again (a scanner's log, an employer reading the inbox)
// learns nothing: only the browser that confirmed sees the result, for a few minutes.
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const token = params.token ?? "";
  const link = await findConfirmLink(context.db, context.keys, token);
  if (!link) throw unknownLink();
  const { letter } = link;
  if (link.state === "spent") {
    const mine = await resultFor(request, context, "verify", token);
    const result = mine && link.signatureId ? await confirmedResult(context.db, link.signatureId) : null;
    if (!mine || !result) {
      // Every link of a closed letter reads the same, whatever it did: the closing itself is public.
      if (link.closed) return json({ state: "closed" as const, slug: letter.slug }, { status: 410, headers: noStoreHeaders() });
      return spentLink(letter.slug);
    }
    const counts = await cachedCounts(context.db, context.cache, letter.id);
    // The count is shared and up to a second old; the signer should still find their own signature
    // in it. A count that began loading before this confirmation cannot include it: add it.
    const startedAt = context.cache.startedAt(cacheKeys.counts(letter.id)) ?? Date.now();
    return json(
      {
        state: "confirmed" as const,
        title: letter.title,
        slug: letter.slug,
        visibility: result.visibility,
        verified: counts.verified + (startedAt < mine.at ? 1 : 0),
        shareUrl: `${context.config.appUrl}/letters/${letter.slug}`,
        newsRetentionDays: SUBSCRIBER_RETENTION_DAYS,
      },
      { headers: noStoreHeaders() },
    );
  }
  return json(
    {
      state: "pending" as const,
      title: letter.title,
      slug: letter.slug,
      askJobTitle: letter.askJobTitle,
      revealThreshold: letter.revealThreshold,
      // What was typed with the request that sent this link: a suggestion the owner can change.
      values: { name: link.submission?.name ?? "", title: link.submission?.title ?? "", visibility: link.submission?.visibility ?? "" },
    },
    { headers: noStoreHeaders() },
  );
}

/** Publishes what the owner chose here, then redirects to the GET, which shows this browser the result. */
export async function action({ params, request, context }: ActionFunctionArgs) {
  const token = params.token ?? "";
  const back = (headers: Record<string, string> = {}) =>
    redirect(new URL(request.url).pathname, { status: 303, headers: { ...noStoreHeaders(), ...headers } });
  const form = await readForm(request);
  if (form.get("intent") === "subscribe") return subscribeAction(request, context, token, formFields(form, ["email"]));
  const values = formFields(form, CONFIRM_FIELDS);
  const parsed = ConfirmSchema.safeParse(values);
  if (parsed.success) {
    const confirmed = await confirmSignature(context.db, token, parsed.data);
    if (confirmed) {
      context.metrics.signatures.inc({ event: "confirmed" });
      return back({ "Set-Cookie": await rememberResult(context, "verify", token) });
    }
  }
  // Nothing changed: say why, or let the GET show what it may (a second POST is harmless).
  const link = await findConfirmLink(context.db, context.keys, token);
  if (!link) throw unknownLink();
  if (link.state === "spent" && link.closed) {
    throw new Response("This letter has closed and no longer takes signatures.", {
      status: 409,
      headers: noStoreHeaders(),
    });
  }
  if (link.state === "usable" && !parsed.success) return badRequest({ errors: fieldErrors(parsed.error), values });
  return back();
}

type SubscribeAnswer = { subscribe: { state: SubscribeResult["state"] | "invalid"; error?: string; email: string } };

/**
 * "Email me news of this letter": only from the browser that has just confirmed (the result cookie),
 * only for a confirmed signature. The address gets one opt-in mail and nothing else until it says yes.
 */
async function subscribeAction(request: Request, context: AppLoadContext, token: string, values: Record<string, string | undefined>) {
  const answer = (body: SubscribeAnswer, status = 200) => json(body, { status, headers: noStoreHeaders() });
  const link = await findConfirmLink(context.db, context.keys, token);
  if (!link) throw unknownLink();
  const signatureId = link.state === "spent" && !link.closed ? link.signatureId : null;
  const mine = signatureId ? await resultFor(request, context, "verify", token) : null;
  const signature = mine && signatureId ? await confirmedResult(context.db, signatureId) : null;
  if (!mine || !signature || !signatureId) {
    throw new Response("News can be requested only from the browser that confirmed the signature, within a few minutes, while the letter is open.", {
      status: 403,
      headers: noStoreHeaders(),
    });
  }
  const parsed = SubscribeSchema.safeParse(values);
  if (!parsed.success) return answer({ subscribe: { state: "invalid", error: fieldErrors(parsed.error).email, email: values.email ?? "" } }, 400);
  const verdict = context.limits.login(context.ipHash, addressKey(context.keys.rateLimit, "subscriber", parsed.data.email));
  if (!verdict.ok) {
    return answer({ subscribe: { state: "invalid", error: `Too many requests. Try again in ${waitInWords(verdict.retryAfterSeconds)}.`, email: parsed.data.email } }, 429);
  }
  const result = await subscribe(context.db, context.keys, context.config.appUrl, { letterId: link.letter.id, signatureId, address: parsed.data.email });
  if (result.state === "mailed") context.mailSignal.queued();
  return answer({ subscribe: { state: result.state, email: parsed.data.email } });
}

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Confirm your signature · Undersigned" }, { name: "description", content: "Confirm your signature and choose how it appears." }, { name: "robots", content: "noindex" }];

export default function Verify() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  if (data.state === "spent") return <SpentLink slug={data.slug} />;
  if (data.state === "confirmed") {
    return (
      <section className="narrow" aria-labelledby="done-heading">
        <h1 id="done-heading">Your signature is confirmed</h1>
        <p>
          <strong>{data.title}</strong> now has <strong data-testid="verified-count">{data.verified.toLocaleString("en")}</strong>{" "}
          {plural(data.verified, "verified signature", "verified signatures")}.
        </p>
        <p>
          {data.visibility === "public"
            ? "You chose to be named: your name (and job title) appear with the letter."
            : "You chose to sign anonymously: you are counted, and your name was never kept."}
        </p>
        <ShareBlock url={data.shareUrl} title={data.title} heading="Ask your colleagues to sign" />
        <NewsOptIn answer={actionData && "subscribe" in actionData ? actionData.subscribe : null} retentionDays={data.newsRetentionDays} />
        <p className="muted">
          Changed your mind? The message you received holds a link to withdraw, at any time. This page shows the result
          only in this browser, for a few minutes; opened again later, the link says nothing about what you chose.
        </p>
      </section>
    );
  }
  if (data.state === "closed") {
    return (
      <section className="narrow" aria-labelledby="closed-heading">
        <h1 id="closed-heading">This letter has closed</h1>
        <p>
          The letter this link belongs to no longer takes signatures, so nothing can be confirmed here. For your privacy
          the page is the same for every link of a closed letter.
        </p>
        <p>
          <Link to={`/letters/${data.slug}`}>Read the letter and its final count</Link>
        </p>
      </section>
    );
  }
  const errors = actionData && "errors" in actionData ? actionData.errors : {};
  const values = actionData && "values" in actionData ? actionData.values : data.values;
  return (
    <section className="narrow" aria-labelledby="confirm-heading">
      <h1 id="confirm-heading">Confirm your signature</h1>
      <p>
        You are adding your signature to <strong>{data.title}</strong>. Check what will be published: what you choose
        here is what counts, whatever was typed on the letter page.
      </p>
      <Form method="post" className="sign-form" noValidate aria-labelledby="confirm-heading">
        {Object.keys(errors).length > 0 ? (
          <p className="form-error" role="alert">
            Please correct the highlighted fields.
          </p>
        ) : null}
        <SignerFields askJobTitle={data.askJobTitle} revealThreshold={data.revealThreshold} errors={errors} values={values} />
        <button type="submit" disabled={busy}>
          {busy ? "Confirming…" : "Confirm my signature"}
        </button>
      </Form>
      <p>
        <Link to={`/letters/${data.slug}`}>Read the letter first</Link>
      </p>
    </section>
  );
}

const NEWS_ANSWERS: Record<string, string> = {
  mailed: "Check that inbox: we sent one message with a link to confirm. Nothing else is sent there until you do.",
  active: "That address already gets news of this letter.",
  "has-other": "News of this letter already goes to an address you confirmed. To stop it, use the link at the bottom of any of its messages.",
  limit: "We already sent that address several confirmation messages. Look for them (and in the spam folder), or try again in a few days.",
};

function NewsOptIn({ answer, retentionDays }: { answer: SubscribeAnswer["subscribe"] | null; retentionDays: number }) {
  const busy = useNavigation().state === "submitting";
  const done = answer && answer.state !== "invalid" ? NEWS_ANSWERS[answer.state] : null;
  return (
    <section className="news-optin" aria-labelledby="news-heading">
      <h2 id="news-heading">Get news of this letter</h2>
      <p>
        We can email you when the organizers post an update, hand the letter over, or receive a response.{" "}
        <strong>Use a personal address</strong>: your employer can read your work inbox.
      </p>
      <p className="muted">
        The address is stored encrypted, never shown to the organizers, and erased when you unsubscribe (one click in
        any message), when you withdraw your signature, or {retentionDays} days after the letter closes.{" "}
        <Link to="/privacy">Privacy</Link>
      </p>
      {done ? (
        <p className="notice" role="status">
          {done}
        </p>
      ) : (
        <Form method="post" className="row news-form" noValidate aria-labelledby="news-heading">
          <input type="hidden" name="intent" value="subscribe" />
          <div className="field">
            <label htmlFor="news-email">Personal email</label>
            <input
              id="news-email"
              name="email"
              type="email"
              autoComplete="email"
              inputMode="email"
              required
              defaultValue={answer?.email ?? ""}
              aria-invalid={answer?.error ? true : undefined}
              aria-describedby={answer?.error ? "news-email-error" : undefined}
            />
            {answer?.error ? (
              <p className="field-error" id="news-email-error">
                {answer.error}
              </p>
            ) : null}
          </div>
          <button type="submit" disabled={busy}>
            Email me news
          </button>
        </Form>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
