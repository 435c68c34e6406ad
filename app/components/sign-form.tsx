import { Form, useNavigation } from "@remix-run/react";
import { useState, type FormEvent } from "react";
import { fieldErrors, formFields, SIGN_FIELDS, signatureSchema, type FieldErrors } from "../validation";

export interface SignFormProps {
  allowedDomains: string[];
  askJobTitle: boolean;
  errors?: FieldErrors;
  values?: Record<string, string | undefined>;
}


/** A plain POST form (works without JavaScript); with JavaScript the same zod schema checks it first. */
export function SignForm({ allowedDomains, askJobTitle, errors: serverErrors, values = {} }: SignFormProps) {
  const [clientErrors, setClientErrors] = useState<FieldErrors | null>(null);
  const errors = clientErrors ?? serverErrors ?? {};
  const busy = useNavigation().state === "submitting";
  const domains = allowedDomains.join(" or ");

  function check(event: FormEvent<HTMLFormElement>) {
    const result = signatureSchema(allowedDomains).safeParse(formFields(new FormData(event.currentTarget), SIGN_FIELDS));
    if (!result.success) {
      event.preventDefault();
      setClientErrors(fieldErrors(result.error));
    } else {
      setClientErrors(null);
    }
  }

  const described = (field: string, hint?: string) =>
    [hint, errors[field] ? `${field}-error` : null].filter(Boolean).join(" ") || undefined;

  return (
    <Form method="post" className="sign-form" noValidate onSubmit={check} aria-labelledby="sign-heading">
      <h2 id="sign-heading">Sign this letter</h2>
      {Object.keys(errors).length > 0 ? (
        <p className="form-error" role="alert">
          Please correct the highlighted fields.
        </p>
      ) : null}
      <div className="field">
        <label htmlFor="name">Your name</label>
        <input id="name" name="name" autoComplete="name" required maxLength={100} defaultValue={values.name}
          aria-invalid={errors.name ? true : undefined} aria-describedby={described("name")} />
        {errors.name ? <p className="field-error" id="name-error">{errors.name}</p> : null}
      </div>
      <div className="field">
        <label htmlFor="email">Work email</label>
        <input id="email" name="email" type="email" autoComplete="email" required defaultValue={values.email}
          aria-invalid={errors.email ? true : undefined} aria-describedby={described("email", "email-hint")} />
        <p className="hint" id="email-hint">
          An address at {domains}. We send one link to prove you work there. We keep only a one-way fingerprint of the
          address and erase the address itself once the mail has left. Your employer can see mail that arrives in your
          work inbox.
        </p>
        {errors.email ? <p className="field-error" id="email-error">{errors.email}</p> : null}
      </div>
      {askJobTitle ? (
        <div className="field">
          <label htmlFor="title">Job title <span className="muted">(optional)</span></label>
          <input id="title" name="title" maxLength={100} defaultValue={values.title}
            aria-invalid={errors.title ? true : undefined} aria-describedby={described("title")} />
          {errors.title ? <p className="field-error" id="title-error">{errors.title}</p> : null}
        </div>
      ) : null}
      <fieldset className="field" aria-describedby={described("visibility")}>
        <legend>How should your signature appear?</legend>
        <label className="choice">
          <input type="radio" name="visibility" value="public" defaultChecked={values.visibility === "public"} />
          Show my name (and job title)
        </label>
        <label className="choice">
          <input type="radio" name="visibility" value="anonymous" defaultChecked={values.visibility === "anonymous"} />
          Count me anonymously: my name is not kept
        </label>
        {errors.visibility ? <p className="field-error" id="visibility-error">{errors.visibility}</p> : null}
      </fieldset>
      <button type="submit" disabled={busy}>
        {busy ? "Sending…" : "Sign and send me the confirmation link"}
      </button>
    </Form>
  );
}
