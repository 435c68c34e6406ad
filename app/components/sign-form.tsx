import { Form, useNavigation } from "@remix-run/react";
import { useRef, useState, type FormEvent } from "react";
import { SignerFields } from "./signer-fields";
import { formFields, SIGN_FIELDS, type FieldErrors } from "../form-fields";

type Validation = typeof import("../validation");

export interface SignFormProps {
  allowedDomains: string[];
  askJobTitle: boolean;
  revealThreshold: number | null;
  errors?: FieldErrors;
  values?: Record<string, string | undefined>;
}


/**
 * A plain POST form (works without JavaScript). With JavaScript the same zod schema checks it first,
 * loaded when someone starts filling it in (not with the page): until it has arrived, the server's
 * check answers instead.
 */
export function SignForm({ allowedDomains, askJobTitle, revealThreshold, errors: serverErrors, values = {} }: SignFormProps) {
  const [clientErrors, setClientErrors] = useState<FieldErrors | null>(null);
  const errors = clientErrors ?? serverErrors ?? {};
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
    <Form method="post" className="sign-form" noValidate onSubmit={check} onFocus={load} onPointerEnter={load} aria-labelledby="sign-heading">
      <h2 id="sign-heading">Sign this letter</h2>
      {Object.keys(errors).length > 0 ? (
        <p className="form-error" role="alert">
          Please correct the highlighted fields.
        </p>
      ) : null}
      <div className="field">
        <label htmlFor="email">Work email</label>
        <input id="email" name="email" type="email" autoComplete="email" required defaultValue={values.email}
          aria-invalid={errors.email ? true : undefined}
          aria-describedby={["email-hint", errors.email ? "email-error" : null].filter(Boolean).join(" ")} />
        <p className="hint" id="email-hint">
          An address at {domains}. We send one link to prove you work there; on the page it opens, you choose what is
          published. We keep only a one-way fingerprint of the address and erase the address itself once the mail has
          left. Your employer can see mail that arrives in your work inbox.
        </p>
        {errors.email ? <p className="field-error" id="email-error">{errors.email}</p> : null}
      </div>
      <SignerFields askJobTitle={askJobTitle} revealThreshold={revealThreshold} errors={errors} values={values} />
      <button type="submit" disabled={busy}>
        {busy ? "Sending…" : "Sign and send me the confirmation link"}
      </button>
    </Form>
  );
}
