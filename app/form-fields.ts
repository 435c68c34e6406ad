// What forms and pages need to know about fields without the validation rules (and zod): kept apart
// so that a page that only shows a label does not load the schemas.

export const DEMAND_KINDS = ["cancel_contract", "policy", "transparency", "other"] as const;
export const DEMAND_KIND_LABELS: Record<(typeof DEMAND_KINDS)[number], string> = {
  cancel_contract: "Cancel a contract",
  policy: "Adopt a policy",
  transparency: "Publish transparency",
  other: "Other",
};

/** The sign form's fields, read by the browser check and the server action alike. */
export const SIGN_FIELDS = ["name", "email", "title", "visibility"] as const;
/** The confirmation page's fields: what the address owner publishes. */
export const CONFIRM_FIELDS = ["name", "title", "visibility"] as const;

export interface FormBody {
  get(name: string): FormDataEntryValue | null;
  getAll(name: string): FormDataEntryValue[];
}

/** Field name → first message: what a form shows next to each field. */
export type FieldErrors = Partial<Record<string, string>>;

/**
 * Reads only string fields from a form: a repeated field or a file becomes "", so a hostile
 * body can never put an array or a Blob where a string is expected.
 */
export function formFields(form: FormBody, names: readonly string[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const name of names) {
    const values = form.getAll(name);
    if (values.length === 0) continue;
    out[name] = values.length === 1 && typeof values[0] === "string" ? values[0] : "";
  }
  return out;
}
