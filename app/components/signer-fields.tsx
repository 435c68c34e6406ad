import type { FieldErrors } from "../form-fields";
import { TextField } from "./field";

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
  const describedBy = ["visibility-hint", errors.visibility ? "visibility-error" : null].filter(Boolean).join(" ");
  return (
    <>
      <TextField name="name" label="Your name" autoComplete="name" maxLength={100} defaultValue={values.name ?? undefined}
        hint="Needed only if you choose to be named below." error={errors.name} />
      {askJobTitle ? (
        <TextField name="title" label={<>Job title <span className="muted">(optional)</span></>} autoComplete="organization-title"
          maxLength={100} defaultValue={values.title ?? undefined} error={errors.title} />
      ) : null}
      <fieldset className="field" aria-describedby={describedBy}>
        <legend>How should your signature appear?</legend>
        <label className="choice">
          <input id="visibility" type="radio" name="visibility" value="public" defaultChecked={values.visibility === "public"}
            aria-invalid={errors.visibility ? true : undefined} />
          Show my name (and job title)
        </label>
        <label className="choice">
          <input type="radio" name="visibility" value="anonymous" defaultChecked={values.visibility === "anonymous"}
            aria-invalid={errors.visibility ? true : undefined} />
          Count me anonymously: my name is not kept
        </label>
        <p className="hint" id="visibility-hint">{revealSentence(revealThreshold)}</p>
        {errors.visibility ? <p className="field-error" id="visibility-error">{errors.visibility}</p> : null}
      </fieldset>
    </>
  );
}
