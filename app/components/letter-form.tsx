import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import type { DemandRow, LetterFormValues } from "../letter-draft";
import { Field, fieldAria } from "./field";
import { DEMAND_KIND_LABELS, DEMAND_KINDS, type FieldErrors } from "../form-fields";

interface Props {
  values: LetterFormValues;
  demands: DemandRow[];
  errors: FieldErrors;
  actions: ReactNode;
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
      <Field id="title" label="Title" error={errors.title}>
        <input id="title" name="title" defaultValue={values.title} maxLength={200} {...fieldAria("title", errors.title)} />
      </Field>
      <Field id="addressee" label="Addressed to" error={errors.addressee} hint="For example: Satya Nadella, CEO">
        <input id="addressee" name="addressee" defaultValue={values.addressee} maxLength={200} {...fieldAria("addressee", errors.addressee, true)} />
      </Field>
      <Field id="organization" label="Organization" error={errors.organization}>
        <input id="organization" name="organization" defaultValue={values.organization} maxLength={200} {...fieldAria("organization", errors.organization)} />
      </Field>
      <Field id="organizerName" label="Organized by (optional, public)" error={errors.organizerName} hint="How the organizers are named on the letter, for example: Employees of Acme Cloud. No one's own name unless they want it public.">
        <input id="organizerName" name="organizerName" defaultValue={values.organizerName} maxLength={120} {...fieldAria("organizerName", errors.organizerName, true)} />
      </Field>
      <Field id="contactEmail" label="Public contact address (optional)" error={errors.contactEmail} hint="Shown on the letter for journalists and colleagues: use an address that is safe to publish, not a work inbox.">
        <input id="contactEmail" name="contactEmail" type="email" autoComplete="off" defaultValue={values.contactEmail} maxLength={254} {...fieldAria("contactEmail", errors.contactEmail, true)} />
      </Field>
      <Field id="body" label="Letter" error={errors.body} hint="Markdown: **bold**, *italic*, [links](https://…), lists. No HTML.">
        <textarea id="body" name="body" rows={12} defaultValue={values.body} {...fieldAria("body", errors.body, true)} />
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

      <Field id="domains" label="Email domains that may sign" error={errors.domains} hint="One or more, separated by commas or new lines, like example.com. Each matches exactly; write *.example.com to admit its subdomains (eng.example.com) too.">
        <textarea id="domains" name="domains" rows={2} defaultValue={values.domains} {...fieldAria("domains", errors.domains, true)} />
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
      <Field id="goal" label="Goal (optional)" error={errors.goal}>
        <input id="goal" name="goal" inputMode="numeric" defaultValue={values.goal} {...fieldAria("goal", errors.goal)} />
      </Field>
      <Field id="closesAt" label="Closing date (optional)" error={errors.closesAt}>
        <input id="closesAt" name="closesAt" type="date" defaultValue={values.closesAt} {...fieldAria("closesAt", errors.closesAt)} />
      </Field>
      <Field id="revealThreshold" label="Reveal names once this many signed by name (optional)" error={errors.revealThreshold}
        hint="Safety in numbers: until then, only counts are shown.">
        <input id="revealThreshold" name="revealThreshold" inputMode="numeric" defaultValue={values.revealThreshold} {...fieldAria("revealThreshold", errors.revealThreshold, true)} />
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
