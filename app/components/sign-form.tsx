import { Form, Link, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { SignerFields } from "./signer-fields";
import { formFields, SIGN_FIELDS, type FieldErrors } from "../form-fields";

type Validation = typeof import("../validation");

export interface SignFormProps {
  allowedDomains: string[];
  askJobTitle: boolean;
  revealThreshold: number | null;
  errors?: FieldErrors;
  values?: Record<string, string | undefined>;
  /** Where the form posts (with #sign, so that without JavaScript the answer opens at the form). */
  action?: string;
  /** The organizer's preview: the form is shown as the public will see it, but cannot be sent. */
  disabled?: boolean;
}

/** The fields in the order of the form, with the words the summary links them by. */
const FIELD_LABELS: [string, string][] = [
  ["email", "Work email"],
  ["name", "Your name"],
  ["title", "Job title"],
  ["visibility", "How your signature appears"],
];


/**
 * A plain POST form (works without JavaScript). With JavaScript the same zod schema checks it first,
 * loaded when someone starts filling it in (not with the page): until it has arrived, the server's
 * check answers instead.
 */
export function SignForm({ allowedDomains, askJobTitle, revealThreshold, errors: serverErrors, values = {}, action, disabled = false }: SignFormProps) {
  const [clientErrors, setClientErrors] = useState<FieldErrors | null>(null);
  const errors = clientErrors ?? serverErrors ?? {};
  const problems = FIELD_LABELS.filter(([name]) => errors[name]);
  // The summary takes the focus whenever a check fails, so a screen reader hears it and a keyboard
  // user is at the list of links to each field.
  const summary = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (problems.length > 0) summary.current?.focus();
  }, [clientErrors, serverErrors]); // eslint-disable-line react-hooks/exhaustive-deps
  const busy = useNavigation().state === "submitting";
  const domains = allowedDomains.join(" or ");
  const validation = useRef<Validation | null>(null);
  const load = () => {
    if (!validation.current) import("../validation").then((v) => (validation.current = v)).catch(() => {});
  };

  function check(event: FormEvent<HTMLFormElement>) {
    const v = validation.current;
    if (!v) return;
    const result = v.signatureSchema(allowedDomains).safeParse(formFields(new FormData(event.currentTarget), SIGN_FIELDS));
    if (!result.success) {
      event.preventDefault();
      setClientErrors(v.fieldErrors(result.error));
    } else {
      setClientErrors(null);
    }
  }

  return (
    <Form method="post" action={action} id="sign" className="sign-form" noValidate onSubmit={check} onFocus={load} onPointerEnter={load} aria-labelledby="sign-heading">
      <h2 id="sign-heading">Sign this letter</h2>
      {problems.length > 0 ? (
        <div className="error-summary" role="alert" tabIndex={-1} ref={summary} aria-labelledby="sign-errors-heading">
          <p id="sign-errors-heading">
            {problems.length === 1 ? "One thing to correct before we can send your link:" : `${problems.length} things to correct before we can send your link:`}
          </p>
          <ul>
            {problems.map(([name, label]) => (
              <li key={name}>
                <a href={`#${name}`}>
                  {label}: {errors[name]}
                </a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <p className="reassurance">
        We erase your address once the mail has left: only a one-way fingerprint stays, and anonymous names are never
        kept. Your employer may see that our mail arrived. <Link to="/privacy">What we keep, and for how long</Link>
      </p>
      {disabled ? (
        <p className="notice" role="note">
          This is a preview: the form works on the public page once the letter is published.
        </p>
      ) : null}
      <fieldset className="plain" disabled={disabled}>
      <div className="field">
        <label htmlFor="email">Work email</label>
        <input id="email" name="email" type="email" autoComplete="email" required defaultValue={values.email}
          aria-invalid={errors.email ? true : undefined}
          aria-describedby={["email-hint", errors.email ? "email-error" : null].filter(Boolean).join(" ")} />
        <p className="hint" id="email-hint">
          An address at {domains}. We mail it one link to prove you work there; on the page it opens, you choose what
          is published.
        </p>
        {errors.email ? <p className="field-error" id="email-error">{errors.email}</p> : null}
      </div>
      <SignerFields askJobTitle={askJobTitle} revealThreshold={revealThreshold} errors={errors} values={values} />
      <button type="submit" disabled={busy || disabled}>
        {busy ? "Sending…" : "Sign and send me the confirmation link"}
      </button>
      </fieldset>
    </Form>
  );
}
