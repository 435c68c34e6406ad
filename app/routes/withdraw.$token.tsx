import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { SpentLink } from "../components/spent-link";
import { routeHeaders } from "../http.server";
import { invalidateLetter } from "../models/letter.server";
import { findWithdrawTarget, withdrawSignature } from "../models/signature.server";
import { noStoreHeaders, rememberResult, resultFor, spentLink, unknownLink } from "../token-page.server";

// Same two steps as confirming: the GET shows a button, only the POST withdraws. The page never
// says whether the signature was pending or confirmed, and after the withdrawal only the browser
// that withdrew sees the result.
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const token = params.token ?? "";
  const target = await findWithdrawTarget(context.db, token);
  if (!target) throw unknownLink();
  const { letter } = target;
  if (!target.live) {
    if (await resultFor(request, context, "withdraw", token)) {
      return json({ state: "withdrawn" as const, slug: letter.slug }, { headers: noStoreHeaders() });
    }
    return spentLink(letter.slug);
  }
  return json({ state: "live" as const, title: letter.title, slug: letter.slug }, { headers: noStoreHeaders() });
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const token = params.token ?? "";
  const withdrawn = await withdrawSignature(context.db, token);
  const back = (headers: Record<string, string> = {}) =>
    redirect(new URL(request.url).pathname, { status: 303, headers: { ...noStoreHeaders(), ...headers } });
  if (!withdrawn) {
    // Unknown tokens are a 404; a second POST finds nothing to do and shows the neutral page.
    if (!(await findWithdrawTarget(context.db, token))) throw unknownLink();
    return back();
  }
  // The signer should see the count drop and their name go at once.
  const target = await findWithdrawTarget(context.db, token);
  if (target) invalidateLetter(context.cache, target.letter);
  return back({ "Set-Cookie": await rememberResult(context, "withdraw", token) });
}

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Withdraw your signature · Undersigned" }, { name: "robots", content: "noindex" }];

export default function Withdraw() {
  const data = useLoaderData<typeof loader>();
  if (data.state === "spent") return <SpentLink slug={data.slug} />;
  if (data.state === "withdrawn") {
    return (
      <section className="narrow" aria-labelledby="done-heading">
        <h1 id="done-heading">Your signature is withdrawn</h1>
        <p>It no longer counts, and your name is no longer shown or kept.</p>
        <p className="muted">
          This link keeps working: if you sign again later, it withdraws that signature too. Opened again, it shows
          nothing about what you did here.
        </p>
        <p>
          <Link to={`/letters/${data.slug}`}>Back to the letter</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="narrow" aria-labelledby="withdraw-heading">
      <h1 id="withdraw-heading">Withdraw your signature</h1>
      <p>
        This removes your signature from <strong>{data.title}</strong>, if there is one: it stops counting and your name
        disappears. A signature not yet confirmed is cancelled.
      </p>
      <Form method="post">
        <button type="submit" className="danger">
          Withdraw my signature
        </button>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
