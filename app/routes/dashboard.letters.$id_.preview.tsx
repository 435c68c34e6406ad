import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { LetterView } from "../components/letter-view";
import { SignForm } from "../components/sign-form";
import { NO_STORE, routeHeaders } from "../utils/http.server";
import { loadLetterPage } from "../letter-page.server";
import { loadLetterView } from "../models/letter.server";
import { requireLetter } from "../auth.server";

// The preview renders the same LetterView as the public page, from the same data shape.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { letter } = await requireLetter(request, context, params.id);
  const view = await loadLetterView(context.db, letter);
  const page = (await loadLetterPage(context, view, null))!;
  return json({ id: letter.id, page, allowedDomains: view.allowedDomains, askJobTitle: view.askJobTitle, revealThreshold: view.revealThreshold }, { headers: { "Cache-Control": NO_STORE } });
}

export const headers = routeHeaders;
export const meta: MetaFunction = () => [{ title: "Preview · Undersigned" }, { name: "robots", content: "noindex" }];

export default function Preview() {
  const { id, page, allowedDomains, askJobTitle, revealThreshold } = useLoaderData<typeof loader>();
  return (
    <>
      <p className="preview-banner" role="note">
        Preview: this is exactly what the public will see. <Link to={`/dashboard/letters/${id}`}>Back to editing</Link>
      </p>
      <LetterView letter={page} signForm={<SignForm allowedDomains={allowedDomains} askJobTitle={askJobTitle} revealThreshold={revealThreshold} disabled />} />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
