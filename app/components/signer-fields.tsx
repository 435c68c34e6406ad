import type { FieldErrors } from "../validation";

export interface SignerFieldsProps {
  askJobTitle: boolean;
  /** Names are shown only once this many people have signed by name (null: at once). */
  revealThreshold: number | null;
  errors: FieldErrors;
  values: Record<string, string | null | undefined>;
}

/** "Names are shown once 25 people have signed by name": said wherever someone chooses to be named. */
export function revealSentence(threshold: number | null): string {
  return threshold && threshold > 1
    ? `Names are shown once ${threshold.toLocaleString("en")} people have signed by name; until then only counts are public.`
    : "Names of people who choose to be named are shown with the letter.";
}

/** Name, job title and visibility: what is published, on the sign form and the confirmation page alike. */
export function SignerFields({ askJobTitle, revealThreshold, errors, values }: SignerFieldsProps) {
  const described = (field: string, hint?: string) =>
    [hint, errors[field] ? `${field}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <>
      <div className="field">
        <label htmlFor="name">Your name</label>
        <input id="name" name="name" type="text" autoComplete="name" maxLength={100} defaultValue={values.name ?? undefined}
          aria-invalid={errors.name ? true : undefined} aria-describedby={described("name", "name-hint")} />
        <p className="hint" id="name-hint">Needed only if you choose to be named below.</p>
        {errors.name ? <p className="field-error" id="name-error">{errors.name}</p> : null}
      </div>
      {askJobTitle ? (
        <div className="field">
          <label htmlFor="title">Job title <span className="muted">(optional)</span></label>
          <input id="title" name="title" type="text" autoComplete="organization-title" maxLength={100} defaultValue={values.title ?? undefined}
            aria-invalid={errors.title ? true : undefined} aria-describedby={described("title")} />
          {errors.title ? <p className="field-error" id="title-error">{errors.title}</p> : null}
        </div>
      ) : null}
      <fieldset className="field" aria-describedby={described("visibility", "visibility-hint")}>
        <legend>How should your signature appear?</legend>
        <label className="choice">
          <input type="radio" name="visibility" value="public" defaultChecked={values.visibility === "public"} />
          Show my name (and job title)
        </label>
        <label className="choice">
          <input type="radio" name="visibility" value="anonymous" defaultChecked={values.visibility === "anonymous"} />
          Count me anonymously: my name is not kept
        </label>
        <p className="hint" id="visibility-hint">{revealSentence(revealThreshold)}</p>
        {errors.visibility ? <p className="field-error" id="visibility-error">{errors.visibility}</p> : null}
      </fieldset>
    </>
  );
}
