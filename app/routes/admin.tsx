import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { formatHour } from "../utils/format";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireOperator } from "../auth.server";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { TextField } from "../components/field";
import {
  lettersForOperators,
  openReports,
  operatorAuditEntries,
  resolveReport,
  restoreLetter,
  setOrganizerSuspended,
  takeDownLetter,
  type Actor,
} from "../models/moderation.server";
import { forgetSessions, invalidateLetter } from "../models/read-cache.server";
import { badRequest, NO_STORE, readForm, routeHeaders } from "../utils/http.server";
import { fieldErrors, formFields, TakedownSchema } from "../validation.server";

// The site's operators (OPERATOR_EMAILS): reports, takedowns, suspensions. They see organizers'
// addresses (to contact them) but nothing more about signers than the organizers do.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const operatorId = await requireOperator(request, context);
  const [reports, letters, audit] = await Promise.all([
    openReports(context.db, context.keys),
    lettersForOperators(context.db, context.keys),
    operatorAuditEntries(context.db),
  ]);
  return json({ operatorId, reports, letters, audit }, { headers: { "Cache-Control": NO_STORE } });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const operatorId = await requireOperator(request, context);
  const actor: Actor = { kind: "operator", organizerId: operatorId };
  const form = await readForm(request);
  const { intent = "", letterId = "", organizerId = "", reportId = "" } = formFields(form, ["intent", "letterId", "organizerId", "reportId"]);
  const letter = /^\d{1,18}$/.test(letterId)
    ? await context.db.selectFrom("letters").select(["id", "slug"]).where("id", "=", letterId).executeTakeFirst()
    : undefined;
  const done = (message: string) => json({ ok: true, message, errors: {} as Record<string, string | undefined>, letterId }, { headers: { "Cache-Control": NO_STORE } });
  const refused = (errors: Record<string, string | undefined>) => badRequest({ ok: false, message: "", errors, letterId });

  if (intent === "take-down" && letter) {
    const parsed = TakedownSchema.safeParse(formFields(form, ["reason"]));
    if (!parsed.success) return refused(fieldErrors(parsed.error));
    if (!(await takeDownLetter(context.db, actor, letter.id, parsed.data.reason))) return refused({ form: "That letter is already taken down." });
    invalidateLetter(context, letter);
    return done("The letter is taken down: its page shows the reason.");
  }
  if (intent === "restore" && letter) {
    if (!(await restoreLetter(context.db, actor, letter.id))) return refused({ form: "That letter is not taken down." });
    invalidateLetter(context, letter);
    return done("The letter is restored.");
  }
  if (intent === "dismiss") {
    if (!(await resolveReport(context.db, actor, reportId))) return refused({ form: "That report is already resolved." });
    return done("The report is dismissed.");
  }
  if (intent === "suspend" || intent === "unsuspend") {
    if (!(await setOrganizerSuspended(context.db, actor, organizerId, intent === "suspend"))) return refused({ form: "Nothing to change for that organizer." });
    // Their sessions are gone from the database; no read in this process may reuse one either.
    forgetSessions(context.cache);
    return done(intent === "suspend" ? "The organizer is suspended and signed out." : "The organizer may sign in again.");
  }
  return refused({ form: "Unknown action." });
}

export const headers = routeHeaders;
export const meta: MetaFunction = () => [{ title: "Operators · Undersigned" }, { name: "robots", content: "noindex" }];

export default function Admin() {
  const { reports, letters, audit, operatorId } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <section aria-labelledby="admin-heading">
      <h1 id="admin-heading">Operators</h1>
      {result?.ok ? <p className="notice" role="status">{result.message}</p> : null}
      {result && !result.ok && result.errors.form ? <p className="form-error" role="alert">{result.errors.form}</p> : null}
      <section className="panel" aria-labelledby="reports-heading">
        <h2 id="reports-heading">Open reports</h2>
        {reports.length === 0 ? <p className="muted">No open reports.</p> : (
          <ul>
            {reports.map((r) => (
              <li key={r.id}>
                <Link to={`/letters/${r.slug}`}>{r.title}</Link>: {r.reason}
                {r.contact ? <span className="muted"> (reply to {r.contact})</span> : null}{" "}
                <Form method="post" className="inline-form">
                  <input type="hidden" name="reportId" value={r.id} />
                  <button type="submit" name="intent" value="dismiss" className="secondary">Dismiss</button>
                </Form>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="panel" aria-labelledby="letters-heading">
        <h2 id="letters-heading">Letters</h2>
        <ul className="letter-list">
          {letters.map((l) => (
            <li key={l.id} className="letter-card">
              <h3>
                <Link to={`/letters/${l.slug}`}>{l.title}</Link>
              </h3>
              <p className="muted">
                {l.takenDown ? `Taken down: ${l.takenDown.reason}` : l.status === "open" ? "Open" : "Closed"}
                {l.openReports ? ` · ${l.openReports} open report${l.openReports === 1 ? "" : "s"}` : ""}
              </p>
              {l.takenDown ? (
                <Form method="post">
                  <input type="hidden" name="letterId" value={l.id} />
                  <button type="submit" name="intent" value="restore" className="secondary">Restore {l.title}</button>
                </Form>
              ) : (
                <Form method="post">
                  <input type="hidden" name="letterId" value={l.id} />
                  <TextField id={`reason-${l.id}`} name="reason" label={`Public reason to take down ${l.title}`}
                    error={result && !result.ok && result.letterId === l.id ? result.errors.reason : undefined} />
                  <button type="submit" name="intent" value="take-down" className="danger">Take down</button>
                </Form>
              )}
              <ul>
                {l.organizers.map((o) => (
                  <li key={o.id}>
                    {o.email}
                    {o.suspended ? " (suspended)" : ""}{" "}
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="organizerId" value={o.id} />
                      <button type="submit" name="intent" value={o.suspended ? "unsuspend" : "suspend"} className="secondary">
                        {o.suspended ? `Lift the suspension of ${o.email}` : `Suspend ${o.email}`}
                      </button>
                    </Form>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      </section>
      <section className="panel" aria-labelledby="op-audit-heading">
        <h2 id="op-audit-heading">Operator audit log</h2>
        <ul data-testid="operator-audit">
          {audit.map((a, i) => (
            <li key={i}>
              <time dateTime={a.at}>{formatHour(a.at)}</time>:{" "}
              {a.actor === "cli" ? "command line" : a.operatorId === operatorId ? "you" : `operator #${a.operatorId}`}: {a.action}
              {a.slug ? ` (${a.slug})` : ""}
              {a.organizerId ? ` (organizer #${a.organizerId})` : ""}
              {typeof a.detail.reason === "string" ? `: ${a.detail.reason}` : ""}
            </li>
          ))}
        </ul>
      </section>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
