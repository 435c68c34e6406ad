import { z } from "zod";
import { DEMAND_KINDS, type FieldErrors } from "./form-fields";

/** The longest letter text, in characters. */
export const BODY_MAX_LENGTH = 20_000;

// Shared by the browser and the server: the same rules, the same messages. The browser loads this
// module (and zod with it) only when a form that checks itself is first used: pages stay light.
export { CONFIRM_FIELDS, DEMAND_KIND_LABELS, DEMAND_KINDS, formFields, SIGN_FIELDS, type FieldErrors, type FormBody } from "./form-fields";

// Zod 4 probes for eval (new Function) to compile parsers; our CSP forbids eval, and the probe
// itself is reported as a violation. Interpreted parsing is plenty for forms.
z.config({ jitless: true });


// Letters verify employees through their employer's mail: a free-mail domain proves nothing.
export const FREE_MAIL_DOMAINS = new Set([
  "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com",
  "ymail.com", "aol.com", "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com", "pm.me",
  "gmx.com", "gmx.net", "gmx.de", "web.de", "mail.com", "yandex.com", "yandex.ru", "zoho.com",
  "fastmail.com", "tutanota.com", "tuta.io", "qq.com", "163.com", "126.com", "mail.ru", "hey.com",
]);

// Control characters (C0, DEL, C1) and line/paragraph separators: a name is one printable line.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

// A NUL byte is refused by PostgreSQL in any text value; free text may span lines, but never that.
const NUL = /\u0000/;
const freeText = (label: string, max: number, maxLabel: string) =>
  z
    .string()
    .max(max, `${label} must be at most ${maxLabel} characters`)
    .refine((v) => !NUL.test(v), `${label} contains a character that cannot be stored`);

const oneLine = (label: string, max: number) =>
  z
    .string({ error: `${label} is required` })
    .trim()
    .min(1, `${label} is required`)
    .max(max, `${label} must be at most ${max} characters`)
    .refine((v) => !CONTROL.test(v), `${label} must be a single line of text`);

const optionalLine = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label} must be at most ${max} characters`)
    .refine((v) => !CONTROL.test(v), `${label} must be a single line of text`)
    .optional()
    .transform((v) => (v ? v : null));

/** A bare host name of at least two labels: `example.com`, not `gmail`, `@example.com` or `*.com`. */
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export function normalizeDomain(value: string): string {
  return value.trim().toLowerCase().replace(/\.$/, "");
}

/**
 * An allowed-domain entry: `example.com` (that domain exactly) or `*.example.com` (its subdomains,
 * only when the organizer writes so).
 */
export function domainError(entry: string): string | null {
  const domain = entry.startsWith("*.") ? entry.slice(2) : entry;
  if (!DOMAIN.test(domain)) return `"${entry}" is not a domain name (write it like example.com, or *.example.com for its subdomains)`;
  if (FREE_MAIL_DOMAINS.has(domain)) {
    return `"${domain}" is a free-mail provider: anyone can get an address there, so it cannot prove employment`;
  }
  return null;
}

/**
 * Exact match by default; `*.example.com` admits subdomains of example.com (not example.com
 * itself). `example.com.evil.test` and `evilexample.com` match nothing.
 */
export function domainAllowed(domain: string, allowed: readonly string[]): boolean {
  return allowed.some((d) => (d.startsWith("*.") ? domain.endsWith(d.slice(1)) && domain.length > d.length - 1 : domain === d));
}

/** Lower-case, `+tag` dropped: one person, one signature per letter. */
export function canonicalEmail(email: string): string {
  const [local, domain] = splitEmail(email.trim().toLowerCase());
  return `${local.replace(/\+.*$/, "")}@${domain}`;
}

export function splitEmail(email: string): [string, string] {
  const at = email.lastIndexOf("@");
  return [email.slice(0, at), normalizeDomain(email.slice(at + 1))];
}

const EmailField = z
  .string({ error: "Email is required" })
  .trim()
  .min(1, "Email is required")
  .max(254, "Email must be at most 254 characters")
  .pipe(z.email({ error: "Enter a valid email address, like name@example.com" }))
  // `+news@example.com` is a tag with no mailbox in front of it.
  .refine((v) => !v.startsWith("+"), "Enter the address itself, not only a +tag, like name@example.com");


// Control (Cc), format (Cf: zero-width, bidi overrides, soft hyphen), private-use (Co) and unassigned
// (Cn) code points, and line/paragraph separators.
const INVISIBLE_OR_CONTROL = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\u2028\u2029]/u;
// What is left of a name when everything that draws no glyph is removed: spaces, combining marks
// and the blank "letters" (Hangul fillers, braille blank) used to fake an empty name.
const BLANK = /[\p{Z}\p{M}\u115f\u1160\u3164\uffa0\u2800\s]/gu;
const LINK_LIKE = /:\/\/|\bwww\.|[^\s@]+@[^\s@]+\.[^\s@]+|\b[a-z0-9-]+\.[a-z0-9-]+\/|\b[a-z0-9-]+\.(?:com|net|org|io|co|info|biz|xyz|app|dev|me|ly|gg|tv|us|uk|de|ru|cn|fr|nl|eu|ai|link|site|online|top|pl|it|es|ca|au|jp|in|br|ch|se|no|fi|dk|be|at|nz|za|mx|tk|ml|ga|cf|gq|club|shop|store|live|news|blog|tech|page|zip|mov|sh|to|cc|ws|su|ua|kr|tw|hk|sg|id|vn|tr|ir|gr|pt|cz|hu|ro|ie|il)\b/i;
/** Full-width and ideographic full stops read as dots: `ｗｗｗ．ｅｖｉｌ．ｃｏｍ` is a web address too. */
const asLinkText = (v: string) => v.normalize("NFKC").replace(/[\u3002\uff0e\uff61]/g, ".");

/**
 * A name or job title as it will be published: NFC-normalised, one line of visible text, no links
 * or addresses (a signature is not a billboard), and nothing a spreadsheet would run as a formula.
 */
function personText(label: string, { required }: { required: boolean }) {
  return z
    .string()
    .transform((v) => v.normalize("NFC").trim())
    .superRefine((v, ctx) => {
      const fail = (message: string) => ctx.addIssue({ code: "custom", message });
      if (v === "") return required ? fail(`${label} is required`) : undefined;
      if (v.length > 100) return fail(`${label} must be at most 100 characters`);
      if (/[\r\n\t\u2028\u2029]/.test(v)) return fail(`${label} must be a single line of text`);
      if (INVISIBLE_OR_CONTROL.test(v)) return fail(`${label} contains an invisible or control character: type it again without it`);
      if (v.replace(BLANK, "") === "") return fail(`${label} must contain visible letters`);
      if (/^[=+\-@]/.test(v)) return fail(`${label} cannot start with =, +, - or @`);
      if (LINK_LIKE.test(asLinkText(v))) return fail(`${label} cannot contain a web or email address`);
    });
}

const VisibilityField = z.enum(["public", "anonymous"], { error: "Choose whether your name is shown" });

/** Name (needed only to be shown), job title, visibility: the sign form and the confirmation page alike. */
const signerShape = {
  name: z.string({ error: "Name is required" }).optional().transform((v) => v ?? ""),
  title: personText("Job title", { required: false }).optional().transform((v) => (v ? v : null)),
  visibility: VisibilityField,
};
interface SignerValue {
  name: string;
  title: string | null;
  visibility: "public" | "anonymous";
}

/** An anonymous signer's name is never kept, so it is not asked for; a named one must be a name. */
function nameRule(value: SignerValue, ctx: z.RefinementCtx) {
  const name = personText("Name", { required: value.visibility === "public" }).safeParse(value.name);
  if (!name.success) for (const issue of name.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: ["name"] });
}

function publishable<T extends SignerValue>(value: T): Omit<T, "name"> & { name: string | null } {
  const named = value.visibility === "public";
  return { ...value, name: named ? value.name.normalize("NFC").trim() : null, title: named ? value.title : null };
}

const signatureSchemas = new Map<string, ReturnType<typeof buildSignatureSchema>>();

/** One schema per allow-list, built once: building a zod schema costs far more than running it. */
export function signatureSchema(allowedDomains: readonly string[]) {
  const key = allowedDomains.join(",");
  let schema = signatureSchemas.get(key);
  if (!schema) {
    if (signatureSchemas.size > 1_000) signatureSchemas.clear();
    schema = buildSignatureSchema(allowedDomains);
    signatureSchemas.set(key, schema);
  }
  return schema;
}

function buildSignatureSchema(allowedDomains: readonly string[]) {
  return z
    .object({
      ...signerShape,
      email: EmailField.refine(
        (email) => domainAllowed(splitEmail(email.toLowerCase())[1], allowedDomains),
        `Use your work address at ${allowedDomains.join(" or ")}`,
      ),
    })
    .superRefine(nameRule)
    .transform(publishable);
}
export type SignatureInput = z.infer<ReturnType<typeof buildSignatureSchema>>;

/** What the address owner publishes, from the confirmation page. */
export const ConfirmSchema = z.object(signerShape).superRefine(nameRule).transform(publishable);
export type SignerChoice = z.infer<typeof ConfirmSchema>;

export const LoginSchema = z.object({ email: EmailField });

/** Looks like an address or a link: a name in an invitation must not carry one (phishing). */
const LINKISH = /@|:\/\/|www\.|[a-z0-9-]\.(?:[a-z]{2,})(?:\/|\b)|[<>]/i;
/** An invitation: who is invited, and the name of who invites them (the mail says it). */
export const InviteSchema = z.object({
  email: EmailField,
  inviterName: z
    .string({ error: "Give your name: the invitation says who sent it" })
    .trim()
    .min(2, "Give your name: the invitation says who sent it")
    .max(60, "Your name must be at most 60 characters")
    .refine((v) => !INVISIBLE_OR_CONTROL.test(v), "Your name must be a single line of plain text")
    .refine((v) => !LINKISH.test(v), "Your name only, without addresses or links: the invitation must not look like phishing"),
});
/** An address for news of a letter: any address (a personal one is the point), checked like the others. */
export const SubscribeSchema = z.object({ email: EmailField });

export const DemandSchema = z.object({
  kind: z.enum(DEMAND_KINDS, { error: "Choose a kind of demand" }),
  text: freeText("A demand", 1000, "1000").pipe(z.string().trim().min(1, "A demand needs text")),
});

/** Letters live in this era; year 0 would pass JavaScript's Date but not PostgreSQL. */
const plausibleYear = (date: Date) => date.getUTCFullYear() >= 1900 && date.getUTCFullYear() <= 9999;

/** A calendar date `YYYY-MM-DD` that exists (no 31 February), as a Date at the given UTC time of day. */
function isoDate(message: string, time = "12:00:00") {
  return z
    .string({ error: message })
    .trim()
    .transform((v, ctx) => {
      const date = new Date(`${v}T${time}Z`);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== v || !plausibleYear(date)) {
        ctx.addIssue({ code: "custom", message });
        return z.NEVER;
      }
      return date;
    });
}

const optionalPositiveInt = (label: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (!v) return null;
      // People write "1,000", "1 000" or "1'000": the separators are not part of the number.
      const digits = /^\d{1,3}([,\u00a0\u202f' ]\d{3})+$/.test(v) ? v.replace(/[,\u00a0\u202f' ]/g, "") : v;
      const n = Number(digits);
      if (!/^\d+$/.test(digits) || !Number.isInteger(n) || n < 1 || n > 10_000_000) {
        ctx.addIssue({ code: "custom", message: `${label} must be a whole number from 1 to 10,000,000` });
        return z.NEVER;
      }
      return n;
    });

/** How far ahead a closing date may be: further than this is almost always a typo in the year. */
export const MAX_CLOSING_DAYS = 730;

export const LetterDraftSchema = z.object({
  title: oneLine("Title", 200),
  addressee: optionalLine("Addressee", 200).transform((v) => v ?? ""),
  organization: oneLine("Organization", 200),
  organizerName: optionalLine("Organized by", 120).transform((v) => v ?? ""),
  contactEmail: z
    .string()
    .trim()
    .max(254, "The contact address is too long")
    .optional()
    .transform((v) => (v ? v : null))
    .refine((v) => v === null || /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/.test(v), "Enter a contact address like press@example.org, or leave it empty"),
  body: freeText("The letter", BODY_MAX_LENGTH, BODY_MAX_LENGTH.toLocaleString("en")).default(""),
  domains: z
    .string()
    .max(2_000, "Too many domains")
    .transform((raw, ctx) => {
      const domains = [...new Set(raw.split(/[\s,]+/).map(normalizeDomain).filter(Boolean))];
      if (domains.length === 0) {
        ctx.addIssue({ code: "custom", message: "Add at least one email domain, like example.com" });
        return z.NEVER;
      }
      for (const d of domains) {
        const error = domainError(d);
        if (error) {
          ctx.addIssue({ code: "custom", message: error });
          return z.NEVER;
        }
      }
      return domains;
    }),
  listed: z.enum(["listed", "unlisted"], { error: "Choose listed or unlisted" }).transform((v) => v === "listed"),
  goal: optionalPositiveInt("Goal"),
  revealThreshold: optionalPositiveInt("Reveal threshold"),
  closesAt: z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v : undefined))
    .pipe(isoDate("Closing date must be a date like 2027-01-31", "23:59:59").optional())
    .transform((v) => v ?? null)
    .refine((v) => !v || v.getTime() - Date.now() <= MAX_CLOSING_DAYS * 86_400_000, {
      message: "That closing date is more than two years away: check the year (a letter can close at most two years from today)",
    }),
  askJobTitle: z
    .string()
    .optional()
    .transform((v) => v === "on"),
});
export type LetterDraftInput = z.infer<typeof LetterDraftSchema>;

export const UpdateSchema = z.object({
  body: freeText("An update", 5_000, "5,000").pipe(z.string().trim().min(1, "An update needs text")),
});

export const DeliverySchema = z.object({
  deliveredTo: oneLine("Delivered to", 200),
  deliveredAt: isoDate("Enter the date of delivery, like 2027-01-31"),
});

export const ResponseSchema = z.object({
  responseText: freeText("The response", 5_000, "5,000").pipe(z.string().trim().min(1, "Enter the response")),
  responseAt: isoDate("Enter the date of the response, like 2027-01-31"),
});

/** Dates of what happened (delivery, response) are not in the future; a response follows its delivery. */
export function eventDateError(at: Date, after: { at: Date | null; what: string } | null = null, now = new Date()): string | null {
  if (at.getTime() > now.getTime() + 36 * 3_600_000) return "That date is in the future: enter the day it happened";
  if (after?.at && at.toISOString().slice(0, 10) < after.at.toISOString().slice(0, 10)) {
    return `The response cannot come before the ${after.what} (${after.at.toISOString().slice(0, 10)})`;
  }
  return null;
}

export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "form");
    out[key] ??= issue.message;
  }
  return out;
}


const optionalDateTime = (label: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (!v) return null;
      const date = new Date(/Z$|[+-]\d\d:\d\d$/.test(v) ? v : `${v}Z`);
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v) || Number.isNaN(date.getTime()) || !plausibleYear(date)) {
        ctx.addIssue({ code: "custom", message: `${label} must be a date and time, like 2027-01-31T14:00` });
        return z.NEVER;
      }
      return date;
    });

const HOUR_MS = 3_600_000;
const floorHour = (d: Date) => new Date(Math.floor(d.getTime() / HOUR_MS) * HOUR_MS);
const ceilHour = (d: Date) => new Date(Math.ceil(d.getTime() / HOUR_MS) * HOUR_MS);

/**
 * Which signatures to invalidate: a domain (and its subdomains), a time window (UTC), or both.
 * Windows snap outwards to whole hours (signature times are stored by the hour), and pending and
 * confirmed signatures are always taken together, so two previews cannot be subtracted to tell
 * who has confirmed.
 */
export const InvalidationSchema = z
  .object({
    invDomain: z
      .string()
      .optional()
      .transform((v) => (v?.trim() ? normalizeDomain(v) : null))
      .refine((v) => v === null || !domainError(v)?.includes("not a domain"), "Enter a domain like example.com, or leave it empty"),
    invFrom: optionalDateTime("From").transform((d) => (d ? floorHour(d) : null)),
    invTo: optionalDateTime("Until").transform((d) => (d ? ceilHour(d) : null)),
  })
  .refine((c) => c.invDomain || c.invFrom || c.invTo, { message: "Choose a domain or a time window", path: ["invDomain"] })
  .refine((c) => !c.invFrom || !c.invTo || c.invFrom < c.invTo, { message: "The window must end after it starts", path: ["invTo"] });

/** A report of a letter to the site's operators. */
export const ReportSchema = z.object({
  reason: freeText("The reason", 2_000, "2,000").pipe(z.string().trim().min(10, "Say in a sentence or two what is wrong with this letter")),
  contact: z
    .string()
    .trim()
    .max(254, "Email must be at most 254 characters")
    .optional()
    .transform((v) => (v ? v : null))
    .pipe(z.email({ error: "Enter a valid email address, or leave it empty" }).nullable()),
});

/** An operator's takedown: the reason is shown to the public on the letter's tombstone. */
export const TakedownSchema = z.object({
  reason: oneLine("The public reason", 300).pipe(z.string().min(5, "Give the public reason in a few words")),
});
