import {
  DemandSchema,
  fieldErrors,
  formFields,
  LetterDraftSchema,
  type FieldErrors,
  type FormBody,
  type LetterDraftInput,
} from "./validation";
import type { DemandKind } from "../db/schema";

export const LETTER_FIELDS = ["title", "addressee", "organization", "organizerName", "contactEmail", "body", "domains", "listed", "goal", "revealThreshold", "closesAt", "askJobTitle"] as const;
export const MAX_DEMANDS = 20;

export interface DemandRow {
  kind: string;
  text: string;
}

export type LetterFormValues = Partial<Record<(typeof LETTER_FIELDS)[number], string>>;

export interface ParsedLetterForm {
  values: LetterFormValues;
  demands: DemandRow[];
  errors: FieldErrors;
  draft: LetterDraftInput | null;
  validDemands: { kind: DemandKind; text: string }[];
}

/** Only strings, in order: `demandKind` and `demandText` are parallel lists, one pair per demand row. */
function demandRows(form: FormBody): DemandRow[] {
  const strings = (name: string) => form.getAll(name).map((v) => (typeof v === "string" ? v : ""));
  const kinds = strings("demandKind");
  const texts = strings("demandText");
  const rows: DemandRow[] = [];
  for (let i = 0; i < Math.max(kinds.length, texts.length); i++) {
    const row = { kind: kinds[i] ?? "", text: texts[i] ?? "" };
    // The always-present empty row at the end of the editor is not a demand.
    if (row.text.trim() !== "") rows.push(row);
  }
  return rows;
}

/** Which button submitted the form; Enter in a text field means "save". */
export function formIntent(form: FormBody): string {
  const intent = form.get("intent");
  return typeof intent === "string" ? intent : "save";
}

/** Applies a row operation from the editor's buttons (`move-up:2`, `move-down:0`, `remove:1`). */
export function applyDemandOp(rows: DemandRow[], intent: string): DemandRow[] {
  const match = /^(move-up|move-down|remove):(\d{1,3})$/.exec(intent);
  if (!match) return rows;
  const i = Number(match[2]);
  const next = [...rows];
  if (i >= next.length) return next;
  if (match[1] === "remove") next.splice(i, 1);
  else {
    const j = match[1] === "move-up" ? i - 1 : i + 1;
    if (j < 0 || j >= next.length) return next;
    [next[i], next[j]] = [next[j]!, next[i]!];
  }
  return next;
}

export function parseLetterForm(form: FormBody, intent: string): ParsedLetterForm {
  const values = formFields(form, LETTER_FIELDS) as LetterFormValues;
  const demands = applyDemandOp(demandRows(form), intent);
  const parsed = LetterDraftSchema.safeParse({ ...values, domains: values.domains ?? "", listed: values.listed ?? "listed" });
  const errors: FieldErrors = parsed.success ? {} : fieldErrors(parsed.error);
  const validDemands: { kind: DemandKind; text: string }[] = [];
  if (demands.length > MAX_DEMANDS) errors.demands = `A letter can have at most ${MAX_DEMANDS} demands`;
  demands.forEach((row, i) => {
    const d = DemandSchema.safeParse(row);
    if (d.success) validDemands.push(d.data);
    else errors[`demand-${i}`] = d.error.issues[0]!.message;
  });
  return { values, demands, errors, draft: parsed.success ? parsed.data : null, validDemands };
}

/** A stored letter as form values, for the editor's first render. */
export function letterFormValues(letter: {
  title: string;
  addressee: string;
  organization: string;
  body: string;
  allowed_domains: string[];
  listed: boolean;
  goal: number | null;
  reveal_threshold: number | null;
  closes_at: Date | null;
  ask_job_title: boolean;
  organizer_name: string;
  contact_email: string | null;
}): LetterFormValues {
  return {
    title: letter.title,
    addressee: letter.addressee,
    organization: letter.organization,
    organizerName: letter.organizer_name,
    contactEmail: letter.contact_email ?? "",
    body: letter.body,
    domains: letter.allowed_domains.join(", "),
    listed: letter.listed ? "listed" : "unlisted",
    goal: letter.goal ? String(letter.goal) : "",
    revealThreshold: letter.reveal_threshold ? String(letter.reveal_threshold) : "",
    closesAt: letter.closes_at ? letter.closes_at.toISOString().slice(0, 10) : "",
    askJobTitle: letter.ask_job_title ? "on" : "",
  };
}
