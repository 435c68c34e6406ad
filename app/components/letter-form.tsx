import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import type { DemandRow, LetterFormValues } from "../letter-form";
import { DEMAND_KIND_LABELS, DEMAND_KINDS, type FieldErrors } from "../validation";

interface Props {
  values: LetterFormValues;
  demands: DemandRow[];
  errors: FieldErrors;
  actions: ReactNode;
}

function Field({ name, label, errors, hint, children }: { name: string; label: string; errors: FieldErrors; hint?: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      {children}
      {hint ? <p className="hint" id={`${name}-hint`}>{hint}</p> : null}
      {errors[name] ? <p className="field-error" id={`${name}-error`}>{errors[name]}</p> : null}
    </div>
  );
}

/** ARIA wiring for a field: invalid state and the ids of its hint and error. */
function aria(name: string, errors: FieldErrors, hint = false) {
  const ids = [hint ? `${name}-hint` : null, errors[name] ? `${name}-error` : null].filter(Boolean).join(" ");
  return { "aria-invalid": errors[name] ? true : undefined, "aria-describedby": ids || undefined } as const;
}

/** The draft editor: a plain form, so drafting, reordering and removing demands all work without JavaScript. */
export function LetterForm({ values, demands, errors, actions }: Props) {
  const rows = [...demands, { kind: "other", text: "" }];
  return (
    <Form method="post" className="panel" noValidate>
      {/* Enter in a text field saves; it must not trigger the first "Move up" button below. */}
      <button type="submit" name="intent" value="save" className="visually-hidden" tabIndex={-1}>
        Save
      </button>
      {Object.keys(errors).length > 0 ? (
        <p className="form-error" role="alert">Please correct the highlighted fields.</p>
      ) : null}
      <Field name="title" label="Title" errors={errors}>
        <input id="title" name="title" defaultValue={values.title} maxLength={200} {...aria("title", errors)} />
      </Field>
      <Field name="addressee" label="Addressed to" errors={errors} hint="For example: Satya Nadella, CEO">
        <input id="addressee" name="addressee" defaultValue={values.addressee} maxLength={200} {...aria("addressee", errors, true)} />
      </Field>
      <Field name="organization" label="Organization" errors={errors}>
        <input id="organization" name="organization" defaultValue={values.organization} maxLength={200} {...aria("organization", errors)} />
      </Field>
      <Field name="body" label="Letter" errors={errors} hint="Markdown: **bold**, *italic*, [links](https://…), lists. No HTML.">
        <textarea id="body" name="body" rows={12} defaultValue={values.body} {...aria("body", errors, true)} />
      </Field>

      <fieldset className="field" aria-describedby={errors.demands ? "demands-error" : undefined}>
        <legend>Demands, in order</legend>
        {errors.demands ? <p className="field-error" id="demands-error">{errors.demands}</p> : null}
        <ol className="demand-editor">
          {rows.map((row, i) => {
            const isNew = i === rows.length - 1;
            const err = errors[`demand-${i}`];
            return (
              <li key={`${i}-${row.text}`}>
                <label htmlFor={`demandKind-${i}`}>{isNew ? "Kind of a new demand" : `Kind of demand ${i + 1}`}</label>
                <select id={`demandKind-${i}`} name="demandKind" defaultValue={row.kind}>
                  {DEMAND_KINDS.map((k) => (
                    <option key={k} value={k}>{DEMAND_KIND_LABELS[k]}</option>
                  ))}
                </select>
                <label htmlFor={`demandText-${i}`}>{isNew ? "Add a demand" : `Demand ${i + 1}`}</label>
                <textarea id={`demandText-${i}`} name="demandText" rows={2} defaultValue={row.text}
                  aria-invalid={err ? true : undefined} aria-describedby={err ? `demand-${i}-error` : undefined} />
                {err ? <p className="field-error" id={`demand-${i}-error`}>{err}</p> : null}
                {!isNew ? (
                  <div className="row">
                    <button type="submit" className="secondary" name="intent" value={`move-up:${i}`} disabled={i === 0} aria-label={`Move up demand ${i + 1}`}>Move up</button>
                    <button type="submit" className="secondary" name="intent" value={`move-down:${i}`} disabled={i === demands.length - 1} aria-label={`Move down demand ${i + 1}`}>Move down</button>
                    <button type="submit" className="secondary" name="intent" value={`remove:${i}`} aria-label={`Remove demand ${i + 1}`}>Remove</button>
                  </div>
                ) : null}
              </li>
            );
          })}
        </ol>
        <button type="submit" className="secondary" name="intent" value="save">Add this demand</button>
      </fieldset>

      <Field name="domains" label="Email domains that may sign" errors={errors} hint="One or more, separated by commas or new lines, like example.com. Subdomains count too.">
        <textarea id="domains" name="domains" rows={2} defaultValue={values.domains} {...aria("domains", errors, true)} />
      </Field>
      <fieldset className="field">
        <legend>Listing</legend>
        <label className="choice">
          <input type="radio" name="listed" value="listed" defaultChecked={values.listed !== "unlisted"} /> Listed on the home page
        </label>
        <label className="choice">
          <input type="radio" name="listed" value="unlisted" defaultChecked={values.listed === "unlisted"} /> Unlisted: only people with the link find it
        </label>
      </fieldset>
      <Field name="goal" label="Goal (optional)" errors={errors}>
        <input id="goal" name="goal" inputMode="numeric" defaultValue={values.goal} {...aria("goal", errors)} />
      </Field>
      <Field name="closesAt" label="Closing date (optional)" errors={errors}>
        <input id="closesAt" name="closesAt" type="date" defaultValue={values.closesAt} {...aria("closesAt", errors)} />
      </Field>
      <Field name="revealThreshold" label="Reveal names once this many signed by name (optional)" errors={errors}
        hint="Safety in numbers: until then, only counts are shown.">
        <input id="revealThreshold" name="revealThreshold" inputMode="numeric" defaultValue={values.revealThreshold} {...aria("revealThreshold", errors, true)} />
      </Field>
      <div className="field">
        <label className="choice">
          <input type="checkbox" name="askJobTitle" defaultChecked={values.askJobTitle === "on"} /> Ask signers for their job title
        </label>
      </div>
      <div className="row">{actions}</div>
    </Form>
  );
}
