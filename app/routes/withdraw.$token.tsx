import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { routeHeaders } from "../utils/http.server";
import { invalidateLetter } from "../models/read-cache.server";
import { TOKEN_PATTERN, withdrawSignature } from "../models/signature.server";
import { noStoreHeaders, rememberResult, resultFor, unknownLink } from "../token-page.server";

// A withdraw link lives as long as the signature, so it sits in scanner logs for years. Whoever
// holds one must learn nothing from it: every well-formed link shows the same page with the same
// button, whether its signature is confirmed, pending, withdrawn, purged or never existed, and
// every POST answers the same redirect. Only the browser that pressed the button is told it is done,
// and even that page says the same whatever there was to withdraw.
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const token = params.token ?? "";
  if (!TOKEN_PATTERN.test(token)) throw unknownLink();
  const done = await resultFor(request, context, "withdraw", token);
  return json({ state: done ? ("done" as const) : ("ready" as const) }, { headers: noStoreHeaders() });
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const token = params.token ?? "";
  if (!TOKEN_PATTERN.test(token)) throw unknownLink();
  const withdrawn = await withdrawSignature(context.db, token);
  // The public count and name list follow at once.
  if (withdrawn) {
    invalidateLetter(context, withdrawn.letter);
    context.metrics.signatures.inc({ event: "withdrawn" });
  }
  return redirect(new URL(request.url).pathname, {
    status: 303,
    headers: { ...noStoreHeaders(), "Set-Cookie": await rememberResult(context, "withdraw", token) },
  });
}

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Withdraw a signature · Undersigned" }, { name: "description", content: "Withdraw your signature from an open letter." }, { name: "robots", content: "noindex" }];

export default function Withdraw() {
  const { state } = useLoaderData<typeof loader>();
  if (state === "done") {
    return (
      <section className="narrow" aria-labelledby="done-heading">
        <h1 id="done-heading">Done</h1>
        <p>
          The signature this link belongs to, if there is one, no longer counts, and its name, if it was shown, is
          erased. The letter's public page shows the new count within a few seconds.
        </p>
        <p className="muted">
          This link keeps working: if you sign the same letter again later, it withdraws that signature too. For your
          privacy it never shows which letter it belongs to or whether anything was there to withdraw.
        </p>
        <p>
          <Link to="/">See all letters</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="narrow" aria-labelledby="withdraw-heading">
      <h1 id="withdraw-heading">Withdraw a signature</h1>
      <p>
        This removes the signature this link was sent for, if there is one: it stops counting and its name, if shown,
        disappears. A signature not yet confirmed is cancelled.
      </p>
      <p className="muted">
        For your privacy this page looks the same for every withdraw link: it does not say which letter the link belongs
        to, or whether the signature is there.
      </p>
      <Form method="post">
        <button type="submit" className="danger">
          Withdraw the signature
        </button>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
