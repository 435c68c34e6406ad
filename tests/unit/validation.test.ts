import { describe, expect, it } from "vitest";
import { canonicalEmail, domainAllowed, domainError, LetterDraftSchema, signatureSchema } from "../../app/validation";
import { applyDemandOp } from "../../app/letter-draft";
import { slugify } from "../../app/models/letter-admin.server";
import { renderMarkdown } from "../../app/utils/markdown.server";
import { suppressSmallGroups } from "../../app/models/counts.server";

describe("domains", () => {
  it.each([
    ["example.com", true],
    ["eng.example.com", false],
    ["a.b.example.org", true],
    ["example.org", false],
    ["xexample.org", false],
    ["example.com.evil.test", false],
    ["evilexample.com", false],
    ["example.co", false],
    ["com", false],
  ])("%s allowed for example.com (exactly) and *.example.org (subdomains): %s", (domain, allowed) => {
    expect(domainAllowed(domain, ["example.com", "*.example.org"])).toBe(allowed);
  });

  it("accepts *.example.com as an entry and still refuses free mail behind a wildcard", () => {
    expect(domainError("*.example.com")).toBeNull();
    expect(domainError("*.gmail.com")).toMatch(/free-mail/);
    expect(domainError("*.*.example.com")).toMatch(/is not a domain/);
  });

  it.each(["gmail", "@example.com", "*.com", "exa mple.com", "-bad.com", "example..com"])("refuses %s as a domain", (d) => {
    expect(domainError(d)).toMatch(/is not a domain/);
  });

  it.each(["gmail.com", "outlook.com", "yahoo.com", "proton.me"])("refuses free-mail %s with a reason", (d) => {
    expect(domainError(d)).toMatch(/free-mail provider.*cannot prove employment/);
  });
});

describe("signature input", () => {
  const schema = signatureSchema(["example.com"]);
  it("canonicalizes case and +tags", () => {
    expect(canonicalEmail(" Ada.L+letters@Example.COM ")).toBe("ada.l@example.com");
    expect(canonicalEmail("ada@sub.example.com.")).toBe("ada@sub.example.com");
  });
  it("accepts a one-line name up to 100 characters and an optional title", () => {
    expect(schema.safeParse({ name: "x".repeat(100), email: "a@example.com", visibility: "public" }).success).toBe(true);
    const parsed = schema.parse({ name: "  Ada  ", email: "a@EXAMPLE.com", title: "", visibility: "public" });
    expect(parsed).toEqual({ name: "Ada", email: "a@EXAMPLE.com", title: null, visibility: "public" });
    // An anonymous signer's name and title are not even carried forward.
    expect(schema.parse({ name: "Ada", email: "a@example.com", title: "CTO", visibility: "anonymous" })).toEqual({
      name: null, email: "a@example.com", title: null, visibility: "anonymous",
    });
  });
  it.each([
    [{ name: "\u202e\u0000" }, "name"],
    [{ name: "a\u2028b" }, "name"],
    [{ email: "a@example.com.evil.test" }, "email"],
    [{ email: "a@@example.com" }, "email"],
    [{ email: `${"a".repeat(250)}@example.com` }, "email"],
    [{ visibility: "PUBLIC" }, "visibility"],
    [{ title: "t\nt" }, "title"],
  ])("refuses %j at %s", (change, field) => {
    const result = schema.safeParse({ name: "Ada", email: "a@example.com", visibility: "public", ...change });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path[0]).toBe(field);
  });
});

describe("letter drafts", () => {
  const base = { title: "T", organization: "O", domains: "Example.com,  example.org\nexample.com", listed: "unlisted" };
  it("normalizes and de-duplicates domains", () => {
    expect(LetterDraftSchema.parse(base)).toMatchObject({ domains: ["example.com", "example.org"], listed: false, goal: null, askJobTitle: false });
  });
  it("moves and removes demand rows", () => {
    const rows = [{ kind: "policy", text: "a" }, { kind: "other", text: "b" }, { kind: "policy", text: "c" }];
    expect(applyDemandOp(rows, "move-up:2").map((r) => r.text)).toEqual(["a", "c", "b"]);
    expect(applyDemandOp(rows, "move-down:2").map((r) => r.text)).toEqual(["a", "b", "c"]);
    expect(applyDemandOp(rows, "remove:0").map((r) => r.text)).toEqual(["b", "c"]);
    expect(applyDemandOp(rows, "remove:99")).toEqual(rows);
  });
  it("makes readable slugs", () => {
    expect(slugify("Cancel the ICE contract — now!")).toBe("cancel-the-ice-contract-now");
    expect(slugify("Équité salariale")).toBe("equite-salariale");
    expect(slugify("!!!")).toBe("letter");
  });
});

describe("markdown", () => {
  it("escapes raw HTML and refuses script URLs", () => {
    const html = renderMarkdown('<b onclick="x">hi</b> [a](javascript:alert(1)) [b](https://example.org)');
    expect(html).toContain("&lt;b onclick=“x”&gt;hi&lt;/b&gt;"); // typographer quotes, but escaped
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain('<a href="https://example.org" rel="nofollow noopener noreferrer">b</a>');
  });
  it("does not load images", () => {
    expect(renderMarkdown("![pixel](https://tracker.example/p.gif)")).not.toContain("<img");
  });
});

describe("per-domain suppression", () => {
  const groups = (entries: [string, number][]) => new Map(entries);
  it("hides groups under 5", () => {
    expect(suppressSmallGroups(groups([["a.com", 40], ["b.com", 12], ["c.com", 3], ["d.com", 2]]))).toEqual({ "a.com": 40, "b.com": 12 });
  });
  it("hides the next smallest group too when what is hidden adds up to under 5", () => {
    expect(suppressSmallGroups(groups([["a.com", 40], ["b.com", 12], ["c.com", 2]]))).toEqual({ "a.com": 40 });
    expect(suppressSmallGroups(groups([["a.com", 40], ["c.com", 2]]))).toEqual({});
  });
  it("shows everything when nothing is small", () => {
    expect(suppressSmallGroups(groups([["a.com", 5], ["b.com", 7]]))).toEqual({ "b.com": 7, "a.com": 5 });
  });
});
