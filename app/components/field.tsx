import type { InputHTMLAttributes, ReactNode } from "react";

/** Field name → message, as every form here reports errors. */
export type Errors = Partial<Record<string, string>>;

/** ARIA wiring for a control: invalid state, and the ids of its hint and error. */
export function fieldAria(id: string, error: string | undefined, hint = false) {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ");
  return { "aria-invalid": error ? true : undefined, "aria-describedby": ids || undefined } as const;
}

export function FieldError({ id, message }: { id: string; message?: string }) {
  return message ? <p className="field-error" id={`${id}-error`}>{message}</p> : null;
}

/**
 * The one field of every form: a label, the control (children, wired with fieldAria), an optional
 * hint and the error, with the ids that tie them together for screen readers.
 */
export function Field({ id, label, hint, error, children }: { id: string; label: ReactNode; hint?: ReactNode; error?: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint ? <p className="hint" id={`${id}-hint`}>{hint}</p> : null}
      <FieldError id={id} message={error} />
    </div>
  );
}

/** A single-line input in a Field. `id` defaults to the name. */
export function TextField({
  name,
  id = name,
  label,
  hint,
  error,
  ...input
}: { name: string; id?: string; label: ReactNode; hint?: ReactNode; error?: string } & Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "name">) {
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      <input id={id} name={name} type="text" {...input} {...fieldAria(id, error, Boolean(hint))} />
    </Field>
  );
}
