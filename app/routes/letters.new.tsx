import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { LetterForm, skipRevalidationForPreview } from "../components/letter-form";
import { badRequest, NO_STORE, readForm, routeHeaders } from "../utils/http.server";
import { formIntent, parseLetterForm } from "../letter-draft";
import { previewText } from "../letter-actions.server";
import { createLetter } from "../models/letter-admin.server";
import { requireOrganizer } from "../auth.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireOrganizer(request, context);
  return json({}, { headers: { "Cache-Control": NO_STORE } });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const organizerId = await requireOrganizer(request, context);
  const form = await readForm(request);
  if (formIntent(form) === "preview-text") return json(previewText(form), { headers: { "Cache-Control": NO_STORE } });
  const parsed = parseLetterForm(form, formIntent(form));
  if (!parsed.draft || Object.keys(parsed.errors).length > 0) {
    return badRequest({ values: parsed.values, demands: parsed.demands, errors: parsed.errors });
  }
  const letter = await createLetter(context.db, organizerId, parsed.draft, parsed.validDemands);
  return redirect(`/dashboard/letters/${letter.id}?created#save-status`, { status: 303, headers: { "Cache-Control": NO_STORE } });
}

export const headers = routeHeaders;
export const shouldRevalidate = skipRevalidationForPreview;
export const meta: MetaFunction = () => [{ title: "Draft a letter · Undersigned" }, { name: "robots", content: "noindex" }];

export default function NewLetter() {
  const result = useActionData<typeof action>();
  return (
    <section aria-labelledby="new-heading">
      <h1 id="new-heading">Draft a letter</h1>
      <p className="muted">Drafts are private to you and your co-organizers until you publish.</p>
      <LetterForm
        values={result?.values ?? { listed: "listed", askJobTitle: "on" }}
        demands={result?.demands ?? []}
        errors={result?.errors ?? {}}
        action="/letters/new#save-status"
        bodyPreview={result && "bodyPreview" in result ? (result.bodyPreview ?? null) : null}
        actions={<button type="submit" name="intent" value="save">Save draft</button>}
      />
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
