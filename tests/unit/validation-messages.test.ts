import { describe, expect, it } from "vitest";
import {
  canonicalEmail,
  ConfirmSchema,
  DEMAND_KIND_LABELS,
  DeliverySchema,
  DemandSchema,
  domainAllowed,
  domainError,
  fieldErrors,
  formFields,
  InvalidationSchema,
  LetterDraftSchema,
  LoginSchema,
  normalizeDomain,
  ReportSchema,
  ResponseSchema,
  signatureSchema,
  splitEmail,
  TakedownSchema,
  UpdateSchema,
} from "../../app/validation";

// Every message a person can meet, word for word, and every value that is turned into something else.
const errorsOf = (result: { success: boolean; error?: unknown }) =>
  result.success ? {} : fieldErrors(result.error as Parameters<typeof fieldErrors>[0]);

const draft = {
  title: "A title", addressee: "", organization: "Org", body: "", domains: "example.com",
  listed: "listed", goal: "", revealThreshold: "", closesAt: "", askJobTitle: "",
};

describe("the letter draft", () => {
  it.each([
    [{ title: "" }, "title", "Title is required"],
    [{ title: "x".repeat(201) }, "title", "Title must be at most 200 characters"],
    [{ title: "a\nb" }, "title", "Title must be a single line of text"],
    [{ addressee: "x".repeat(201) }, "addressee", "Addressee must be at most 200 characters"],
    [{ addressee: "a\u0007" }, "addressee", "Addressee must be a single line of text"],
    [{ organization: "  " }, "organization", "Organization is required"],
    [{ body: "x".repeat(20_001) }, "body", "The letter must be at most 20,000 characters"],
    [{ body: "a\u0000b" }, "body", "The letter contains a character that cannot be stored"],
    [{ domains: "" }, "domains", "Add at least one email domain, like example.com"],
    [{ domains: "x".repeat(2_001) }, "domains", "Too many domains"],
    [{ domains: "gmail.com" }, "domains", '"gmail.com" is a free-mail provider: anyone can get an address there, so it cannot prove employment'],
    [{ domains: "example.com, not a domain" }, "domains", '"not" is not a domain name (write it like example.com, or *.example.com for its subdomains)'],
    [{ listed: "maybe" }, "listed", "Choose listed or unlisted"],
    [{ goal: "0" }, "goal", "Goal must be a whole number from 1 to 10,000,000"],
    [{ goal: "1.5" }, "goal", "Goal must be a whole number from 1 to 10,000,000"],
    [{ goal: "10000001" }, "goal", "Goal must be a whole number from 1 to 10,000,000"],
    [{ revealThreshold: "-3" }, "revealThreshold", "Reveal threshold must be a whole number from 1 to 10,000,000"],
    [{ closesAt: "2027-02-31" }, "closesAt", "Closing date must be a date like 2027-01-31"],
    [{ closesAt: "0000-01-01" }, "closesAt", "Closing date must be a date like 2027-01-31"],
    [{ closesAt: "31/01/2027" }, "closesAt", "Closing date must be a date like 2027-01-31"],
    [{ goal: "1,00" }, "goal", "Goal must be a whole number from 1 to 10,000,000"],
    [{ goal: "12,345,678" }, "goal", "Goal must be a whole number from 1 to 10,000,000"],
    [{ goal: "1e3" }, "goal", "Goal must be a whole number from 1 to 10,000,000"],
    [{ closesAt: `${new Date().getUTCFullYear() + 3}-01-31` }, "closesAt", "That closing date is more than two years away: check the year (a letter can close at most two years from today)"],
  ])("%o → %s: %s", (change, field, message) => {
    expect(errorsOf(LetterDraftSchema.safeParse({ ...draft, ...change }))[field]).toBe(message);
  });

  it("turns what was typed into what is stored", () => {
    const parsed = LetterDraftSchema.parse({
      ...draft, title: "  Title  ", addressee: "  Dana  ", domains: " Example.COM., *.Corp.Example.org\nexample.com ",
      listed: "unlisted", goal: " 1000 ", revealThreshold: "10000000", closesAt: " 2027-01-31 ", askJobTitle: "on",
      organizerName: "  Employees of Org  ", contactEmail: " press@org.example ",
    });
    expect(parsed).toEqual({
      title: "Title", addressee: "Dana", organization: "Org", body: "", domains: ["example.com", "*.corp.example.org"],
      listed: false, goal: 1000, revealThreshold: 10_000_000, closesAt: new Date("2027-01-31T23:59:59Z"), askJobTitle: true,
      organizerName: "Employees of Org", contactEmail: "press@org.example",
    });
    expect(LetterDraftSchema.parse({ ...draft, contactEmail: "   " })).toMatchObject({ organizerName: "", contactEmail: null });
    expect(LetterDraftSchema.safeParse({ ...draft, contactEmail: "press at org" }).success).toBe(false);
    expect(LetterDraftSchema.parse(draft)).toMatchObject({ addressee: "", goal: null, revealThreshold: null, closesAt: null, askJobTitle: false, listed: true });
  });
});

describe("the smaller forms", () => {
  it.each([
    [DemandSchema, { kind: "wish", text: "x" }, "kind", "Choose a kind of demand"],
    [DemandSchema, { kind: "policy", text: "   " }, "text", "A demand needs text"],
    [DemandSchema, { kind: "policy", text: "x".repeat(1001) }, "text", "A demand must be at most 1000 characters"],
    [UpdateSchema, { body: " " }, "body", "An update needs text"],
    [UpdateSchema, { body: "x".repeat(5001) }, "body", "An update must be at most 5,000 characters"],
    [DeliverySchema, { deliveredTo: "", deliveredAt: "2027-01-01" }, "deliveredTo", "Delivered to is required"],
    [DeliverySchema, { deliveredTo: "Dana", deliveredAt: "soon" }, "deliveredAt", "Enter the date of delivery, like 2027-01-31"],
    [ResponseSchema, { responseText: "", responseAt: "2027-01-01" }, "responseText", "Enter the response"],
    [ResponseSchema, { responseText: "x".repeat(5001), responseAt: "2027-01-01" }, "responseText", "The response must be at most 5,000 characters"],
    [ResponseSchema, { responseText: "No.", responseAt: "2027-13-01" }, "responseAt", "Enter the date of the response, like 2027-01-31"],
    [LoginSchema, { email: "" }, "email", "Email is required"],
    [LoginSchema, { email: `${"a".repeat(250)}@example.com` }, "email", "Email must be at most 254 characters"],
    [LoginSchema, { email: "a@b" }, "email", "Enter a valid email address, like name@example.com"],
    [LoginSchema, { email: "+tag@example.com" }, "email", "Enter the address itself, not only a +tag, like name@example.com"],
  ] as const)("%#: %s", (schema, value, field, message) => {
    expect(errorsOf((schema as typeof UpdateSchema).safeParse(value))[field]).toBe(message);
  });

  it("reads dates at noon UTC (delivery, response) and keeps valid input as typed", () => {
    expect(DeliverySchema.parse({ deliveredTo: " Dana ", deliveredAt: "2027-01-31" })).toEqual({ deliveredTo: "Dana", deliveredAt: new Date("2027-01-31T12:00:00Z") });
    expect(DemandSchema.parse({ kind: "other", text: "  Do it.  " })).toEqual({ kind: "other", text: "Do it." });
  });
});

describe("signing and confirming", () => {
  const schema = signatureSchema(["example.com"]);
  it.each([
    [{ visibility: "public", name: "" }, "name", "Name is required"],
    [{ visibility: "public", name: "x".repeat(101) }, "name", "Name must be at most 100 characters"],
    [{ visibility: "public", name: "a\tb" }, "name", "Name must be a single line of text"],
    [{ visibility: "public", name: "a\u200db" }, "name", "Name contains an invisible or control character: type it again without it"],
    [{ visibility: "public", name: "\u2800 \u0301" }, "name", "Name must contain visible letters"],
    [{ visibility: "public", name: "-1" }, "name", "Name cannot start with =, +, - or @"],
    [{ visibility: "public", name: "@ada" }, "name", "Name cannot start with =, +, - or @"],
    [{ visibility: "public", name: "ada https://x" }, "name", "Name cannot contain a web or email address"],
    [{ visibility: "public", name: "Ada", title: "ada@example.com" }, "title", "Job title cannot contain a web or email address"],
    [{ visibility: "anonymous", name: "", title: "=1" }, "title", "Job title cannot start with =, +, - or @"],
    [{ visibility: "secret", name: "Ada" }, "visibility", "Choose whether your name is shown"],
  ])("%o → %s: %s", (value, field, message) => {
    expect(errorsOf(ConfirmSchema.safeParse(value))[field]).toBe(message);
  });

  it("asks for the address at the letter's domains, and keeps nothing of an anonymous signer but the choice", () => {
    expect(errorsOf(schema.safeParse({ email: "a@other.org", visibility: "anonymous" })).email).toBe("Use your work address at example.com");
    expect(errorsOf(signatureSchema(["a.org", "b.org"]).safeParse({ email: "a@c.org", visibility: "anonymous" })).email).toBe("Use your work address at a.org or b.org");
    expect(schema.parse({ email: " A@Example.com ", visibility: "anonymous", name: "Ada", title: "CTO" })).toEqual({ email: "A@Example.com", visibility: "anonymous", name: null, title: null });
    expect(ConfirmSchema.parse({ visibility: "public", name: "  Ada  ", title: "  CTO  " })).toEqual({ visibility: "public", name: "Ada", title: "CTO" });
    expect(ConfirmSchema.parse({ visibility: "public", name: "Ada", title: "" })).toEqual({ visibility: "public", name: "Ada", title: null });
    // The same allow-list gives the same (cached) schema; another gives another.
    expect(signatureSchema(["example.com"])).toBe(schema);
    expect(signatureSchema(["example.org"])).not.toBe(schema);
  });
});

describe("invalidation criteria", () => {
  it.each([
    [{}, "invDomain", "Choose a domain or a time window"],
    [{ invDomain: "*.org" }, "invDomain", "Enter a domain like example.com, or leave it empty"],
    [{ invFrom: "tomorrow" }, "invFrom", "From must be a date and time, like 2027-01-31T14:00"],
    [{ invTo: "0000-01-01T00:00" }, "invTo", "Until must be a date and time, like 2027-01-31T14:00"],
    [{ invFrom: "2027-01-01T10:00", invTo: "2027-01-01T10:00" }, "invTo", "The window must end after it starts"],
  ])("%o → %s: %s", (value, field, message) => {
    expect(errorsOf(InvalidationSchema.safeParse(value))[field]).toBe(message);
  });

  it("snaps windows outwards to whole hours, reads offsets, and normalizes the domain", () => {
    expect(InvalidationSchema.parse({ invDomain: " Example.COM. ", invFrom: "2027-01-01T10:20", invTo: "2027-01-01T11:40" })).toEqual({
      invDomain: "example.com", invFrom: new Date("2027-01-01T10:00:00Z"), invTo: new Date("2027-01-01T12:00:00Z"),
    });
    expect(InvalidationSchema.parse({ invFrom: "2027-01-01T10:00:00+02:00", invTo: "2027-01-01T09:00Z" })).toEqual({
      invDomain: null, invFrom: new Date("2027-01-01T08:00:00Z"), invTo: new Date("2027-01-01T09:00:00Z"),
    });
    expect(InvalidationSchema.parse({ invDomain: "example.com", invFrom: "", invTo: " " })).toEqual({ invDomain: "example.com", invFrom: null, invTo: null });
  });
});

describe("addresses and forms", () => {
  it("canonicalizes, splits and normalizes", () => {
    expect(canonicalEmail("Ada+x+y@Example.COM.")).toBe("ada@example.com");
    expect(splitEmail("a@b@Example.com")).toEqual(["a@b", "example.com"]);
    expect(normalizeDomain(" Example.com. ")).toBe("example.com");
    expect(domainError("example.com")).toBeNull();
    expect(domainAllowed("x.example.com", ["*.example.com"])).toBe(true);
    expect(domainAllowed("example.com", ["*.example.com"])).toBe(false);
    expect(domainAllowed("aexample.com", ["*.example.com"])).toBe(false);
  });

  it("reads only single string fields from a form, and reports the first message of each field", () => {
    const form = new URLSearchParams([["a", "1"], ["b", "2"], ["b", "3"], ["d", ""]]);
    expect(formFields(form, ["a", "b", "c", "d"])).toEqual({ a: "1", b: "", d: "" });
    const result = LetterDraftSchema.safeParse({ ...draft, title: "", organization: "" });
    expect(fieldErrors(result.error!)).toEqual({ title: "Title is required", organization: "Organization is required" });
    const formLevel = InvalidationSchema.safeParse({});
    expect(Object.keys(fieldErrors(formLevel.error!))).toEqual(["invDomain"]);
  });
});

describe("fixed lists and the remaining forms", () => {
  it("refuses every free-mail provider on the list, by name", () => {
    const providers = [
      "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com",
      "ymail.com", "aol.com", "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com", "pm.me",
      "gmx.com", "gmx.net", "gmx.de", "web.de", "mail.com", "yandex.com", "yandex.ru", "zoho.com",
      "fastmail.com", "tutanota.com", "tuta.io", "qq.com", "163.com", "126.com", "mail.ru", "hey.com",
    ];
    for (const domain of providers) expect(domainError(domain), domain).toBe(`"${domain}" is a free-mail provider: anyone can get an address there, so it cannot prove employment`);
  });

  it("labels the kinds of demand in words", () => {
    expect(DEMAND_KIND_LABELS).toEqual({ cancel_contract: "Cancel a contract", policy: "Adopt a policy", transparency: "Publish transparency", other: "Other" });
  });

  it.each([
    [ReportSchema, { reason: "too short" }, "reason", "Say in a sentence or two what is wrong with this letter"],
    [ReportSchema, { reason: "x".repeat(2001) }, "reason", "The reason must be at most 2,000 characters"],
    [ReportSchema, { reason: "A long enough reason.", contact: "nope" }, "contact", "Enter a valid email address, or leave it empty"],
    [ReportSchema, { reason: "A long enough reason.", contact: `${"a".repeat(250)}@example.com` }, "contact", "Email must be at most 254 characters"],
    [TakedownSchema, { reason: "" }, "reason", "The public reason is required"],
    [TakedownSchema, { reason: "Spam" }, "reason", "Give the public reason in a few words"],
    [TakedownSchema, { reason: "x".repeat(301) }, "reason", "The public reason must be at most 300 characters"],
    [LoginSchema, {}, "email", "Email is required"],
    [LoginSchema, { email: 42 }, "email", "Email is required"],
    [ConfirmSchema, { visibility: "public", name: 7 }, "name", "Name is required"],
    [LetterDraftSchema, { ...draft, title: undefined }, "title", "Title is required"],
    [DeliverySchema, { deliveredTo: "Dana" }, "deliveredAt", "Enter the date of delivery, like 2027-01-31"],
  ] as const)("%#: %s", (schema, value, field, message) => {
    expect(errorsOf((schema as unknown as typeof UpdateSchema).safeParse(value))[field]).toBe(message);
  });

  it("keeps a report's optional contact as null when empty, trimmed otherwise", () => {
    expect(ReportSchema.parse({ reason: "  Impersonates a company.  ", contact: "  " })).toEqual({ reason: "Impersonates a company.", contact: null });
    expect(ReportSchema.parse({ reason: "Impersonates a company.", contact: " a@b.org " })).toEqual({ reason: "Impersonates a company.", contact: "a@b.org" });
    expect(TakedownSchema.parse({ reason: "  Harassment  " })).toEqual({ reason: "Harassment" });
  });

  it("accepts domains up to the limits of a host name, and no further", () => {
    expect(domainError(`${"a".repeat(63)}.com`)).toBeNull();
    expect(domainError(`${"a".repeat(64)}.com`)).toMatch(/is not a domain/);
    expect(domainError("a-b.example.co")).toBeNull();
    expect(domainError("a.c")).toMatch(/is not a domain/);
    expect(domainError("example.c0m")).toMatch(/is not a domain/);
  });
});

describe("waits in words", () => {
  it("speaks minutes and hours, with plurals right", async () => {
    const { waitInWords } = await import("../../app/utils/http.server");
    expect([1, 45, 60, 61, 119, 121, 600, 3599, 5400, 7200, 86_400].map(waitInWords)).toEqual([
      "a minute", "a minute", "a minute", "about 2 minutes", "about 2 minutes", "about 3 minutes", "about 10 minutes",
      "about 60 minutes", "about 2 hours", "about 2 hours", "about 24 hours",
    ]);
  });
});

describe("numbers and dates as people write them", () => {
  it("reads a goal written with thousands separators", async () => {
    const { LetterDraftSchema } = await import("../../app/validation");
    const base = { title: "T", organization: "O", body: "", domains: "example.com", listed: "listed", revealThreshold: "", closesAt: "", askJobTitle: "" };
    for (const [typed, goal] of [["1,000", 1000], ["1 000", 1000], ["10,000,000", 10_000_000], ["1'500", 1500], [" 2500 ", 2500]] as const) {
      expect(LetterDraftSchema.parse({ ...base, goal: typed }).goal, typed).toBe(goal);
    }
  });

  it("refuses a delivery or response date in the future, and a response before its delivery", async () => {
    const { eventDateError } = await import("../../app/validation");
    const now = new Date("2026-11-29T12:00:00Z");
    expect(eventDateError(new Date("2026-11-29T12:00:00Z"), null, now)).toBeNull();
    expect(eventDateError(new Date("2026-12-05T12:00:00Z"), null, now)).toBe("That date is in the future: enter the day it happened");
    const delivered = { at: new Date("2026-11-20T12:00:00Z"), what: "delivery" };
    expect(eventDateError(new Date("2026-11-19T12:00:00Z"), delivered, now)).toBe("The response cannot come before the delivery (2026-11-20)");
    expect(eventDateError(new Date("2026-11-20T12:00:00Z"), delivered, now)).toBeNull();
    expect(eventDateError(new Date("2026-11-25T12:00:00Z"), { at: null, what: "delivery" }, now)).toBeNull();
  });
});
