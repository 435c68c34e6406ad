import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { findByWithdrawToken, withdrawSignature } from "../models/signature.server";
import { noStoreHeaders, requireUsableToken } from "../token-page.server";
import { routeHeaders } from "../http.server";

// Same two steps as confirming: the GET shows a button, only the POST withdraws.
export async function loader({ params, context }: LoaderFunctionArgs) {
  const found = requireUsableToken(await findByWithdrawToken(context.db, params.token ?? ""), "withdraw");
  return json({ title: found.letter.title, slug: found.letter.slug, status: found.status }, { headers: noStoreHeaders() });
}

export async function action({ params, context }: ActionFunctionArgs) {
  const token = params.token ?? "";
  const found = requireUsableToken(await findByWithdrawToken(context.db, token), "withdraw");
  const withdrawn = await withdrawSignature(context.db, token);
  context.cache.invalidate(`counts:${found.letter.id}`);
  context.cache.invalidate(`signers:${found.letter.id}`);
  return json({ withdrawn: withdrawn || found.status === "withdrawn" }, { headers: noStoreHeaders() });
}

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Withdraw your signature · Undersigned" }, { name: "robots", content: "noindex" }];

export default function Withdraw() {
  const { title, slug, status } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  if (result) {
    return (
      <section className="narrow" aria-labelledby="done-heading">
        <h1 id="done-heading">{result.withdrawn ? "Your signature is withdrawn" : "Nothing to withdraw"}</h1>
        <p>
          {result.withdrawn
            ? "It no longer counts, and your name is no longer shown or kept."
            : "This signature could not be withdrawn."}
        </p>
        <p>
          <Link to={`/letters/${slug}`}>Back to the letter</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="narrow" aria-labelledby="withdraw-heading">
      <h1 id="withdraw-heading">Withdraw your signature</h1>
      <p>
        This removes your signature from <strong>{title}</strong>: it stops counting and your name disappears.
      </p>
      {status === "withdrawn" ? <p>This signature is already withdrawn.</p> : null}
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
