import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { requireLetter } from "../auth.server";
import { countTotals } from "../models/counts.server";
import { closeLetter } from "../models/letter-admin.server";
import { effectiveStatus } from "../models/letter.server";
import { invalidateLetter } from "../models/read-cache.server";
import { subscriberCount } from "../models/subscription.server";
import { NO_STORE, routeHeaders } from "../utils/http.server";

/** Closing cannot be undone: say what it does before doing it. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { letter } = await requireLetter(request, context, params.id);
  if (effectiveStatus(letter) !== "open") throw redirect(`/dashboard/letters/${letter.id}`);
  const [counts, subscribers] = await Promise.all([countTotals(context.db, letter.id), subscriberCount(context.db, letter.id)]);
  return json({ id: letter.id, title: letter.title, verified: counts.verified, subscribers }, { headers: { "Cache-Control": NO_STORE } });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { letter } = await requireLetter(request, context, params.id);
  if (await closeLetter(context.db, letter.id, { appUrl: context.config.appUrl })) {
    invalidateLetter(context, letter);
    context.mailSignal.queued();
  }
  return redirect(`/dashboard/letters/${letter.id}?closed=1`, 303);
}

export const headers = routeHeaders;
export const meta: MetaFunction = () => [{ title: "Close a letter · Undersigned" }, { name: "robots", content: "noindex" }];

export default function ReviewClose() {
  const data = useLoaderData<typeof loader>();
  return (
    <section className="narrow" aria-labelledby="close-heading">
      <p className="eyebrow">
        <Link to={`/dashboard/letters/${data.id}`}>Back to the letter</Link>
      </p>
      <h1 id="close-heading">Close “{data.title}”?</h1>
      <ul>
        <li>Signing stops for good: the count, {data.verified.toLocaleString("en")} verified, becomes final.</li>
        <li>Links already mailed to people who have not confirmed yet stop working.</li>
        <li>
          {data.subscribers > 0 ? "Everyone who asked for news is emailed that the letter is closed." : "Nobody has asked for news by email yet."}
        </li>
        <li>The page stays online with the final count, updates, the delivery and the response, which you can still record.</li>
        <li><strong>This cannot be undone.</strong></li>
      </ul>
      <Form method="post" className="row">
        <button type="submit" className="danger">Close the letter for good</button>
        <Link to={`/dashboard/letters/${data.id}`}>Keep it open</Link>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
