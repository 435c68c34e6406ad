import { Form } from "@remix-run/react";

export interface AbuseData {
  signals: { kind: "network" | "domain"; label: string; count: number; minutes: number }[];
  audit: { action: string; detail: Record<string, unknown>; at: string }[];
}

export interface AbuseResult {
  intent: string;
  ok: boolean;
  errors: Record<string, string>;
  preview?: { count: number; criteria: Record<string, string | undefined>; statuses: string[] };
  invalidated?: number;
}

function Field({ name, label, type, hint, errors, value }: { name: string; label: string; type: string; hint?: string; errors: Record<string, string>; value?: string }) {
  const describedBy = [hint ? `${name}-hint` : null, errors[name] ? `${name}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      <input id={name} name={name} type={type} defaultValue={value} aria-invalid={errors[name] ? true : undefined} aria-describedby={describedBy} />
      {hint ? <p className="hint" id={`${name}-hint`}>{hint}</p> : null}
      {errors[name] ? <p className="field-error" id={`${name}-error`}>{errors[name]}</p> : null}
    </div>
  );
}

/** Bursts from one network or domain, and a way to invalidate a set: preview the count, then confirm. */
export function AbusePanel({ data, result }: { data: AbuseData; result?: AbuseResult }) {
  const mine = result && (result.intent === "invalidate-preview" || result.intent === "invalidate") ? result : undefined;
  const errors = mine && !mine.ok ? mine.errors : {};
  const preview = mine?.preview;
  const values = preview?.criteria ?? {};
  const statuses = preview?.statuses ?? ["pending", "confirmed"];
  return (
    <section className="panel" aria-labelledby="abuse-heading">
      <h2 id="abuse-heading">Unusual activity</h2>
      {data.signals.length === 0 ? (
        <p className="muted">Nothing unusual in the last hour.</p>
      ) : (
        <ul>
          {data.signals.map((s, i) => (
            <li key={i}>
              <strong>{s.count}</strong> signatures from {s.kind === "network" ? "one network" : s.label} in the last {s.minutes} minutes.
            </li>
          ))}
        </ul>
      )}
      <Form method="post">
        <p>Invalidate signatures that should not count. They stop counting and their names are erased. Times are UTC.</p>
        <Field name="invDomain" label="Email domain (and its subdomains)" type="text" errors={errors} value={values.invDomain} />
        <Field name="invFrom" label="Signed from" type="datetime-local" errors={errors} value={values.invFrom} />
        <Field name="invTo" label="Signed until" type="datetime-local" errors={errors} value={values.invTo} />
        <fieldset className="field" aria-describedby={errors.statuses ? "statuses-error" : undefined}>
          <legend>Which signatures</legend>
          <label className="choice"><input type="checkbox" name="statuses" value="pending" defaultChecked={statuses.includes("pending")} /> Pending</label>
          <label className="choice"><input type="checkbox" name="statuses" value="confirmed" defaultChecked={statuses.includes("confirmed")} /> Confirmed</label>
          {errors.statuses ? <p className="field-error" id="statuses-error">{errors.statuses}</p> : null}
        </fieldset>
        {preview ? (
          <p role="status">
            <strong data-testid="invalidate-preview">{preview.count}</strong> signatures match.
            <input type="hidden" name="previewed" value={preview.count} />
          </p>
        ) : null}
        {mine?.invalidated !== undefined ? <p role="status">{mine.invalidated} signatures invalidated.</p> : null}
        <div className="row">
          <button type="submit" name="intent" value="invalidate-preview" className="secondary">Preview the count</button>
          {preview && preview.count > 0 ? (
            <button type="submit" name="intent" value="invalidate" className="danger">Invalidate {preview.count} signatures</button>
          ) : null}
        </div>
      </Form>
      {data.audit.length > 0 ? (
        <>
          <h3>Audit log</h3>
          <ul>
            {data.audit.map((a, i) => (
              <li key={i}>
                <time dateTime={a.at}>{a.at.replace("T", " ").slice(0, 16)} UTC</time>: {a.action}, {String(a.detail.count)} signatures
                {a.detail.domain ? ` from ${String(a.detail.domain)}` : ""}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
