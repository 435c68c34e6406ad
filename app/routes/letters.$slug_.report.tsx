import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { Field, fieldAria, TextField } from "../components/field";
import { requireNotTakenDown } from "../letter-page.server";
import { cachedPublicLetter } from "../models/letter.server";
import { fileReport } from "../models/moderation.server";
import { badRequest, NO_STORE, notFound, readForm, routeHeaders, tooManyRequests } from "../utils/http.server";
import { fieldErrors, formFields, ReportSchema } from "../validation.server";

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const letter = await cachedPublicLetter(context.db, context.cache, params.slug ?? "");
  if (!letter) throw notFound();
  requireNotTakenDown(letter);
  const sent = new URL(request.url).searchParams.has("sent");
  return json({ slug: letter.slug, title: letter.title, sent }, { headers: { "Cache-Control": NO_STORE } });
}

/** No account needed; rate-limited per network; the optional contact address is sealed. */
export async function action({ params, request, context }: ActionFunctionArgs) {
  const letter = await cachedPublicLetter(context.db, context.cache, params.slug ?? "");
  if (!letter) throw notFound();
  requireNotTakenDown(letter);
  const values = formFields(await readForm(request), ["reason", "contact"]);
  const parsed = ReportSchema.safeParse(values);
  if (!parsed.success) return badRequest({ errors: fieldErrors(parsed.error), values });
  const verdict = await context.limits.report(context.ipHash);
  if (!verdict.ok) {
    context.metrics.rateLimited.inc({ action: "report", scope: verdict.scope });
    throw tooManyRequests(verdict.retryAfterSeconds);
  }
  await fileReport(context.db, context.keys, letter.id, parsed.data.reason, parsed.data.contact);
  return redirect(`/letters/${letter.slug}/report?sent=1`, { status: 303, headers: { "Cache-Control": NO_STORE } });
}

export const headers = routeHeaders;
export const meta: MetaFunction = () => [{ title: "Report a letter · Undersigned" }, { name: "description", content: "Report a letter to the operators of this site." }, { name: "robots", content: "noindex" }];

export default function Report() {
  const { slug, title, sent } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = result?.errors ?? {};
  if (sent) {
    return (
      <section className="narrow" aria-labelledby="sent-heading">
        <h1 id="sent-heading">Thank you</h1>
        <p>The operators of this site will look at your report. If you left an address, they may write to you.</p>
        <p>
          <Link to={`/letters/${slug}`}>Back to the letter</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="narrow" aria-labelledby="report-heading">
      <h1 id="report-heading">Report this letter</h1>
      <p>
        Tell the operators of this site what is wrong with <strong>{title}</strong>: for example that it impersonates an
        organization or harasses someone. The organizers of the letter do not see reports.
      </p>
      <Form method="post" className="panel" noValidate>
        {Object.keys(errors).length > 0 ? <p className="form-error" role="alert">Please correct the highlighted fields.</p> : null}
        <Field id="reason" label="What is wrong" error={errors.reason}>
          <textarea id="reason" name="reason" rows={5} maxLength={2000} defaultValue={result?.values.reason} {...fieldAria("reason", errors.reason)} />
        </Field>
        <TextField name="contact" type="email" autoComplete="email" label={<>Your email <span className="muted">(optional, to hear back)</span></>}
          defaultValue={result?.values.contact} error={errors.contact} />
        <button type="submit">Send the report</button>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
