import type { SerializeFrom } from "@remix-run/node";
import { formatHour } from "../utils/format";
import { Form } from "@remix-run/react";
import type { LetterActionResult } from "../letter-actions.server";
import { TextField } from "./field";

export interface AbuseData {
  signals: { kind: "network" | "networks" | "domain" | "letter"; label: string; count: number }[];
  audit: { action: string; detail: Record<string, unknown>; at: string; organizerId: string | null }[];
  /** Named entries as the public sees them (none while the reveal threshold hides names). */
  named: { id: string; name: string; jobTitle: string | null }[];
  /** What the organizer searched for ("" for the most recent entries), and how many named entries there are. */
  nameSearch: string;
  namedTotal: number;
  namedShown: number;
  minGroup: number;
  previewsPerDay: number;
}

export type AbuseResult = SerializeFrom<LetterActionResult>;

const ACTIONS: Record<string, string> = {
  "preview-invalidation": "previewed an invalidation",
  "invalidate-signatures": "invalidated signatures",
  "hide-name": "hid one named entry (it still counts, anonymously)",
  "invite-organizer": "invited someone to organize this letter",
  "remove-organizer": "removed an organizer from this letter",
  "leave-letter": "stopped organizing this letter",
  "export-packet": "opened the delivery packet",
  "export-pdf": "downloaded the delivery packet (PDF)",
  "export-csv": "downloaded the named signers (CSV)",
};

function describeAudit(a: AbuseData["audit"][number], me: string): string {
  const who = a.organizerId === me ? "You" : "A co-organizer";
  const what = ACTIONS[a.action] ?? a.action;
  const parts = [
    a.detail.domain ? `domain ${String(a.detail.domain)}` : null,
    a.detail.from ? `from ${formatHour(`${String(a.detail.from).slice(0, 16)}Z`)}` : null,
    a.detail.to ? `until ${formatHour(`${String(a.detail.to).slice(0, 16)}Z`)}` : null,
  ].filter(Boolean);
  const count = a.detail.count === undefined || a.action === "hide-name" ? "" : `: ${String(a.detail.count)} ${a.action === "export-csv" ? "names" : "signatures"}`;
  return `${who} ${what}${parts.length ? ` (${parts.join(", ")})` : ""}${count}`;
}

/** The letter's audit log: what any organizer did that touches signers or the team, read by all of them. */
export function AuditLog({ audit, me }: { audit: AbuseData["audit"]; me: string }) {
  return (
    <section className="panel" aria-labelledby="audit-heading">
      <h2 id="audit-heading">Audit log</h2>
      {audit.length === 0 ? (
        <p className="muted">Nothing yet. Previews, invalidations, hidden names and changes to the team appear here for every organizer.</p>
      ) : (
        <ul data-testid="audit-log">
          {audit.map((a, i) => (
            <li key={i}>
              <time dateTime={a.at}>{formatHour(a.at)}</time>: {describeAudit(a, me)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Bursts, invalidation by domain or hour window (preview first), and hiding a named entry. */
export function AbusePanel({ data, me, result }: { data: AbuseData; me: string; result?: AbuseResult }) {
  const mine = result && (result.intent === "invalidate-preview" || result.intent === "invalidate") ? result : undefined;
  const errors = mine && !mine.ok ? mine.errors : {};
  const hideErrors = result?.intent === "hide-name" && !result.ok ? result.errors : {};
  const preview = mine?.preview;
  const values = preview?.criteria ?? {};
  return (
    <section className="panel" aria-labelledby="abuse-heading">
      <h2 id="abuse-heading">Unusual activity</h2>
      {data.signals.length === 0 ? (
        <p className="muted">Nothing unusual this hour or the last.</p>
      ) : (
        <ul>
          {data.signals.map((s, i) => (
            <li key={i}>
              {s.kind === "networks" ? (
                <>
                  <strong>{s.label}</strong> more networks sent {s.count.toLocaleString("en")} signatures together this hour and the
                  last, each at least as many as a burst.
                </>
              ) : s.kind === "letter" ? (
                <>
                  <strong>{s.count}</strong> submissions this hour, several times more than the hour before: a share
                  going viral, or a flood: look at where they come from before invalidating anything.
                </>
              ) : (
                <>
                  <strong>{s.count}</strong> signatures from {s.kind === "network" ? "one network" : s.label}{" "}
                  {s.kind === "network" ? "this hour and the last" : "this hour"}.
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <Form method="post">
        <h3>Invalidate signatures</h3>
        <p>
          Signatures that should not count stop counting and their names are erased; pending and confirmed ones are
          taken together. Times are UTC and whole hours (signatures are recorded by the hour). Sets of fewer than{" "}
          {data.minGroup} are neither counted nor invalidated. Every preview is recorded in the audit log below, which
          all organizers of this letter read, and a letter gets {data.previewsPerDay} previews a day.
        </p>
        <TextField name="invDomain" label="Email domain (and its subdomains)" type="text" error={errors.invDomain} defaultValue={values.invDomain} />
        <TextField name="invFrom" label="Signed from (hour, UTC)" type="datetime-local" step={3600} error={errors.invFrom} defaultValue={values.invFrom} />
        <TextField name="invTo" label="Signed until (hour, UTC)" type="datetime-local" step={3600} error={errors.invTo} defaultValue={values.invTo} />
        {preview ? (
          <p role="status">
            {preview.count === null ? (
              <strong data-testid="invalidate-preview">Fewer than {data.minGroup} signatures match.</strong>
            ) : (
              <>
                <strong data-testid="invalidate-preview">{preview.count}</strong> signatures match.
                <input type="hidden" name="previewId" value={preview.previewId ?? ""} />
              </>
            )}
          </p>
        ) : null}
        {mine?.invalidated !== undefined ? <p role="status">{mine.invalidated} signatures invalidated.</p> : null}
        <div className="row">
          <button type="submit" name="intent" value="invalidate-preview" className="secondary">Preview the count</button>
          {preview && preview.count !== null ? (
            <button type="submit" name="intent" value="invalidate" className="danger">Invalidate {preview.count} signatures</button>
          ) : null}
        </div>
      </Form>
      <h3 id="named-heading">Named signers</h3>
      <p>
        If someone reports that a name was used without their consent, hide it: the signature keeps counting,
        anonymously, and the name is erased. This is the only thing organizers can do to one signature.
      </p>
      {hideErrors.signers ? <p className="field-error" role="alert">{hideErrors.signers}</p> : null}
      {data.namedTotal > data.named.length || data.nameSearch ? (
        <Form method="get" className="row" role="search" aria-label="Named signers">
          <label htmlFor="name-search">Find a name (beginning with)</label>
          <input id="name-search" name="name" type="search" defaultValue={data.nameSearch} maxLength={100} />
          <button type="submit" className="secondary">Find</button>
        </Form>
      ) : null}
      <p className="muted">
        {data.nameSearch
          ? `Names beginning with “${data.nameSearch}”: ${data.named.length === data.namedShown ? `the ${data.namedShown} most recent` : data.named.length}.`
          : data.namedTotal > data.named.length
            ? `The ${data.named.length} most recent of ${data.namedTotal.toLocaleString("en")} named entries.`
            : null}
      </p>
      {data.named.length === 0 ? (
        <p className="muted">{data.nameSearch ? "No named entry begins with that." : "No names are shown publicly yet."}</p>
      ) : (
        // One form for the list: each button sends its entry's id (a form per row made this page
        // a third heavier to render and send).
        <Form method="post">
          <input type="hidden" name="intent" value="hide-name" />
          <ul className="named-list" aria-labelledby="named-heading">
            {data.named.map((s) => (
              <li key={s.id} className="row">
                <span>
                  {s.name}
                  {s.jobTitle ? `, ${s.jobTitle}` : ""}
                </span>
                <button type="submit" name="signatureId" value={s.id} className="secondary" aria-label={`Hide the name ${s.name}`}>
                  Hide name
                </button>
              </li>
            ))}
          </ul>
        </Form>
      )}
    </section>
  );
}
