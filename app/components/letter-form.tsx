import { Form, useBeforeUnload, useBlocker, useFetcher, useNavigation, type ShouldRevalidateFunction } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState, type MouseEvent, type ReactNode } from "react";
import type { DemandRow, LetterFormValues } from "../letter-draft";
import { Field, fieldAria } from "./field";
import { DEMAND_KIND_LABELS, DEMAND_KINDS, type FieldErrors } from "../form-fields";

interface Props {
  values: LetterFormValues;
  demands: DemandRow[];
  errors: FieldErrors;
  actions: ReactNode;
  /** Where the form posts; its #fragment is where the answer opens without JavaScript (the save status). */
  action?: string;
  /** The answer to the last save, shown beside the buttons, where the person pressed one. */
  saved?: string | null;
  /** The letter text rendered by the server (the "Preview the text" button without JavaScript). */
  bodyPreview?: string | null;
}

/** The labels the error list beside the buttons links each field by. */
const FIELD_LABELS: Record<string, string> = {
  title: "Title",
  addressee: "Addressed to",
  organization: "Organization",
  body: "Letter",
  demands: "Demands",
  domains: "Email domains",
  goal: "Goal",
  closesAt: "Closing date",
  revealThreshold: "Reveal names",
  organizerName: "Organized by",
  contactEmail: "Public contact address",
};

type Row = DemandRow & { key: number };

/** For the routes that render the editor: a text preview asks the server to render Markdown; nothing on the page changed. */
export const skipRevalidationForPreview: ShouldRevalidateFunction = ({ formData, defaultShouldRevalidate }) =>
  formData?.get("intent") === "preview-text" ? false : defaultShouldRevalidate;

function Section({ id, title, intro, children }: { id: string; title: string; intro?: ReactNode; children: ReactNode }) {
  return (
    <section className="editor-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {intro ? <p className="muted">{intro}</p> : null}
      {children}
    </section>
  );
}

/**
 * The draft editor, in sections. It is a plain form: without JavaScript, drafting, previewing and
 * reordering all work by posting it. With JavaScript, demands are added, moved and removed in place
 * (the rows are the same named fields, so "Save draft" posts them as they stand), and the text
 * preview comes from the server's own Markdown renderer without a reload.
 */
export function LetterForm({ values, demands, errors, actions, action, saved, bodyPreview }: Props) {
  const nextKey = useRef(demands.length + 1);
  const [rows, setRows] = useState<Row[]>(() => demands.map((d, i) => ({ ...d, key: i })));
  const [fresh, setFresh] = useState<DemandRow>({ kind: "other", text: "" });
  const [said, setSaid] = useState("");
  const [dirty, setDirtyState] = useState(false);
  const unsaved = useRef(false);
  const setDirty = (value: boolean) => {
    unsaved.current = value;
    setDirtyState(value);
  };
  const focusAfter = useRef<string | null>(null);
  // A new answer from the server (saved, refused, reordered without JavaScript) is the truth again;
  // the same demands arriving again (another panel's action) leave unsaved edits alone.
  const serverDemands = JSON.stringify(demands);
  useEffect(() => {
    setRows(demands.map((d, i) => ({ ...d, key: nextKey.current + i })));
    nextKey.current += demands.length;
    setDirty(false);
  }, [serverDemands]); // eslint-disable-line react-hooks/exhaustive-deps
  // Leaving with unsaved changes asks first: in the app (a link) and out of it (closing the tab).
  const blocker = useBlocker(({ currentLocation, nextLocation }) => unsaved.current && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    if (blocker.state !== "blocked") return;
    if (window.confirm("Leave this page? Your changes to the draft are not saved yet.")) blocker.proceed();
    else blocker.reset();
  }, [blocker]);
  useBeforeUnload(
    useCallback((event: BeforeUnloadEvent) => {
      if (!unsaved.current) return;
      event.preventDefault();
      event.returnValue = "";
    }, []),
  );
  useEffect(() => {
    if (focusAfter.current) document.getElementById(focusAfter.current)?.focus();
    focusAfter.current = null;
  });

  const busy = useNavigation().state === "submitting";
  const preview = useTextPreview(bodyPreview ?? null);

  // With JavaScript, the row buttons act in place instead of posting the form.
  const inPlace = (event: MouseEvent<HTMLButtonElement>, change: () => void) => {
    event.preventDefault();
    change();
    setDirty(true);
  };
  const move = (i: number, by: -1 | 1) => {
    const next = [...rows];
    [next[i], next[i + by]] = [next[i + by]!, next[i]!];
    setRows(next);
    // Focus follows the demand that moved, on the same button (or the other one at an end).
    const j = i + by;
    const edge = (by === -1 && j === 0) || (by === 1 && j === next.length - 1);
    focusAfter.current = `demand-${by === -1 ? (edge ? "down" : "up") : edge ? "up" : "down"}-${j}`;
    setSaid(`Demand moved to position ${j + 1} of ${next.length}. Not saved yet.`);
  };
  const remove = (i: number) => {
    setRows(rows.filter((_, k) => k !== i));
    focusAfter.current = rows.length > 1 ? `demandText-${Math.min(i, rows.length - 2)}` : "demandText-new";
    setSaid(`Demand ${i + 1} removed. Not saved yet.`);
  };
  const add = () => {
    if (!fresh.text.trim()) {
      focusAfter.current = "demandText-new";
      setSaid("Write the demand first.");
      return;
    }
    setRows([...rows, { ...fresh, key: nextKey.current++ }]);
    setFresh({ kind: "other", text: "" });
    focusAfter.current = "demandText-new";
    setSaid(`Demand ${rows.length + 1} added. Not saved yet.`);
  };
  const edit = (i: number, change: Partial<DemandRow>) => setRows(rows.map((r, k) => (k === i ? { ...r, ...change } : r)));

  const problems = Object.keys(errors).filter((name) => errors[name]);
  const anchor = (name: string) => (name.startsWith("demand-") ? `demandText-${name.slice(7)}` : name === "demands" ? "demands-heading" : name);
  const label = (name: string) => (name.startsWith("demand-") ? `Demand ${Number(name.slice(7)) + 1}` : (FIELD_LABELS[name] ?? name));

  return (
    <Form method="post" action={action} className="letter-editor" noValidate onChange={() => setDirty(true)} onSubmit={() => setDirty(false)} preventScrollReset>
      {/* Enter in a text field saves; it must not trigger the first "Move up" button below. */}
      <button type="submit" name="intent" value="save" className="visually-hidden" tabIndex={-1}>
        Save
      </button>
      {problems.length > 0 ? (
        <p className="form-error" role="alert">Please correct the highlighted fields.</p>
      ) : null}

      <Section id="editor-text" title="The letter" intro="What people sign. Once published, none of this section can change.">
        <Field id="title" label="Title" error={errors.title}>
          <input id="title" name="title" defaultValue={values.title} maxLength={200} {...fieldAria("title", errors.title)} />
        </Field>
        <Field id="addressee" label="Addressed to" error={errors.addressee} hint="For example: Satya Nadella, CEO">
          <input id="addressee" name="addressee" defaultValue={values.addressee} maxLength={200} {...fieldAria("addressee", errors.addressee, true)} />
        </Field>
        <Field id="organization" label="Organization" error={errors.organization}>
          <input id="organization" name="organization" defaultValue={values.organization} maxLength={200} {...fieldAria("organization", errors.organization)} />
        </Field>
        <Field id="body" label="Letter" error={errors.body} hint="Markdown: **bold**, *italic*, [links](https://…), lists, a blank line between paragraphs. No HTML.">
          <textarea id="body" name="body" rows={12} defaultValue={values.body} onInput={(e) => preview.typed(e.currentTarget.value)} {...fieldAria("body", errors.body, true)} />
        </Field>
        <p className="row">
          <button type="submit" name="intent" value="preview-text" className="secondary" formNoValidate aria-controls="body-preview"
            onClick={(e) => {
              e.preventDefault();
              preview.show((document.getElementById("body") as HTMLTextAreaElement).value);
            }}>
            {preview.open ? "Refresh the preview" : "Preview the text"}
          </button>
          {preview.open ? (
            <button type="button" className="secondary" onClick={preview.hide}>
              Hide the preview
            </button>
          ) : null}
        </p>
        <div id="body-preview" aria-live="polite">
          {preview.open ? (
            <section className="md-preview" aria-label="Preview of the letter text">
              <p className="preview-label">Preview, as the letter page will show it{preview.pending ? " (updating…)" : ""}. Not saved until you save the draft.</p>
              {preview.html === null ? (
                <p className="muted">Preparing the preview…</p>
              ) : preview.html ? (
                <div className="letter-body" dangerouslySetInnerHTML={{ __html: preview.html }} />
              ) : (
                <p className="muted">Nothing written yet.</p>
              )}
            </section>
          ) : null}
        </div>
      </Section>

      <Section id="demands-heading" title="Demands, in order" intro="Concrete and checkable: what exactly should the employer do?">
        {errors.demands ? <p className="field-error" id="demands-error">{errors.demands}</p> : null}
        <ol className="demand-editor">
          {rows.map((row, i) => {
            const err = errors[`demand-${i}`];
            return (
              <li key={row.key}>
                <label htmlFor={`demandKind-${i}`}>{`Kind of demand ${i + 1}`}</label>
                <select id={`demandKind-${i}`} name="demandKind" value={row.kind} onChange={(e) => edit(i, { kind: e.currentTarget.value })}>
                  {DEMAND_KINDS.map((k) => (
                    <option key={k} value={k}>{DEMAND_KIND_LABELS[k]}</option>
                  ))}
                </select>
                <label htmlFor={`demandText-${i}`}>{`Demand ${i + 1}`}</label>
                <textarea id={`demandText-${i}`} name="demandText" rows={2} value={row.text} onChange={(e) => edit(i, { text: e.currentTarget.value })}
                  aria-invalid={err ? true : undefined} aria-describedby={err ? `demand-${i}-error` : undefined} />
                {err ? <p className="field-error" id={`demand-${i}-error`}>{err}</p> : null}
                <div className="row">
                  <button type="submit" id={`demand-up-${i}`} className="secondary" name="intent" value={`move-up:${i}`} disabled={i === 0} aria-label={`Move up demand ${i + 1}`}
                    onClick={(e) => inPlace(e, () => move(i, -1))}>Move up</button>
                  <button type="submit" id={`demand-down-${i}`} className="secondary" name="intent" value={`move-down:${i}`} disabled={i === rows.length - 1} aria-label={`Move down demand ${i + 1}`}
                    onClick={(e) => inPlace(e, () => move(i, 1))}>Move down</button>
                  <button type="submit" className="secondary" name="intent" value={`remove:${i}`} aria-label={`Remove demand ${i + 1}`}
                    onClick={(e) => inPlace(e, () => remove(i))}>Remove</button>
                </div>
              </li>
            );
          })}
          <li className="demand-new">
            <label htmlFor="demandKind-new">Kind of a new demand</label>
            <select id="demandKind-new" name="demandKind" value={fresh.kind} onChange={(e) => setFresh({ ...fresh, kind: e.currentTarget.value })}>
              {DEMAND_KINDS.map((k) => (
                <option key={k} value={k}>{DEMAND_KIND_LABELS[k]}</option>
              ))}
            </select>
            <label htmlFor="demandText-new">Add a demand</label>
            <textarea id="demandText-new" name="demandText" rows={2} value={fresh.text} onChange={(e) => setFresh({ ...fresh, text: e.currentTarget.value })} />
          </li>
        </ol>
        <p className="row">
          <button type="submit" className="secondary" name="intent" value="save" onClick={(e) => inPlace(e, add)}>Add this demand</button>
          <span role="status" className="muted">{said}</span>
        </p>
      </Section>

      <Section id="editor-signers" title="Who may sign">
        <Field id="domains" label="Email domains that may sign" error={errors.domains} hint="One or more, separated by commas or new lines, like example.com. Each matches exactly; write *.example.com to admit its subdomains (eng.example.com) too.">
          <textarea id="domains" name="domains" rows={2} defaultValue={values.domains} {...fieldAria("domains", errors.domains, true)} />
        </Field>
        <div className="field">
          <label className="choice">
            <input type="checkbox" name="askJobTitle" defaultChecked={values.askJobTitle === "on"} /> Ask signers for their job title
          </label>
        </div>
      </Section>

      <Section id="editor-safety" title="Goal, dates and safety">
        <Field id="goal" label="Goal (optional)" error={errors.goal} hint="How many signatures you aim for, like 1,000.">
          <input id="goal" name="goal" inputMode="numeric" defaultValue={values.goal} {...fieldAria("goal", errors.goal, true)} />
        </Field>
        <Field id="closesAt" label="Closing date (optional)" error={errors.closesAt} hint="Signing ends at the end of this day (UTC).">
          <input id="closesAt" name="closesAt" type="date" defaultValue={values.closesAt} {...fieldAria("closesAt", errors.closesAt, true)} />
        </Field>
        <Field id="revealThreshold" label="Reveal names once this many signed by name (optional)" error={errors.revealThreshold}
          hint="Safety in numbers: until then, only counts are shown.">
          <input id="revealThreshold" name="revealThreshold" inputMode="numeric" defaultValue={values.revealThreshold} {...fieldAria("revealThreshold", errors.revealThreshold, true)} />
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
      </Section>

      <Section id="editor-public" title="Who stands behind it (public)" intro="Both may change after publishing.">
        <Field id="organizerName" label="Organized by (optional)" error={errors.organizerName} hint="How the organizers are named on the letter, for example: Employees of Acme Cloud. No one's own name unless they want it public.">
          <input id="organizerName" name="organizerName" defaultValue={values.organizerName} maxLength={120} {...fieldAria("organizerName", errors.organizerName, true)} />
        </Field>
        <Field id="contactEmail" label="Public contact address (optional)" error={errors.contactEmail} hint="Shown on the letter for journalists and colleagues: use an address that is safe to publish, not a work inbox.">
          <input id="contactEmail" name="contactEmail" type="email" autoComplete="off" defaultValue={values.contactEmail} maxLength={254} {...fieldAria("contactEmail", errors.contactEmail, true)} />
        </Field>
      </Section>

      {/* The answer to a save appears here, beside the buttons the person just pressed. */}
      <div className="editor-actions" id="save-status">
        <div className="row">{actions}</div>
        <div role="status" className="save-status">
          {busy ? (
            <p>Saving…</p>
          ) : problems.length > 0 ? (
            <div className="error-summary">
              <p>Not saved: {problems.length === 1 ? "one field needs" : `${problems.length} fields need`} correcting.</p>
              <ul>
                {problems.map((name) => (
                  <li key={name}>
                    <a href={`#${anchor(name)}`}>{label(name)}: {errors[name]}</a>
                  </li>
                ))}
              </ul>
            </div>
          ) : dirty ? (
            <p className="muted">Changes not saved yet.</p>
          ) : saved ? (
            <p className="saved">{saved}</p>
          ) : null}
        </div>
      </div>
    </Form>
  );
}

/**
 * The letter text as the public page will render it, from the server's Markdown renderer (the one
 * the page uses, so what the preview shows is what is published), fetched without a reload; once
 * shown, it follows the typing.
 */
function useTextPreview(initial: string | null) {
  const fetcher = useFetcher<{ bodyPreview?: string }>();
  const [open, setOpen] = useState(initial !== null);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const show = (body: string) => {
    setOpen(true);
    fetcher.submit({ intent: "preview-text", body }, { method: "post" });
  };
  useEffect(() => () => clearTimeout(timer.current), []);
  return {
    open,
    /** null until the first preview has arrived. */
    html: fetcher.data?.bodyPreview ?? initial,
    pending: fetcher.state !== "idle",
    show,
    hide: () => setOpen(false),
    typed: (body: string) => {
      if (!open) return;
      clearTimeout(timer.current);
      timer.current = setTimeout(() => show(body), 400);
    },
  };
}
