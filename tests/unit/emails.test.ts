import { describe, expect, it } from "vitest";
import { renderEmail, type EmailKind, type EmailProps } from "../../emails/index";
import { escapeHtml, oneLine } from "../../emails/layout";

const HOSTILE = 'https://app.test/verify/abc"><script>alert(1)</script>';
type DiscreetKind = Exclude<EmailKind, "letter-news">;
/** Every kind but news of a letter (which an address asked for) names no letter. */
const samples: { [K in DiscreetKind]: EmailProps[K] } = {
  "signature-confirm": { verifyUrl: "https://app.test/verify/TOKEN1", withdrawUrl: "https://app.test/withdraw/TOKEN2" },
  "signature-already": { withdrawUrl: "https://app.test/withdraw/TOKEN3" },
  "login-link": { loginUrl: "https://app.test/login/TOKEN4" },
  "organizer-invite": { loginUrl: "https://app.test/login", inviterName: "Sam from the data team" },
  "subscription-confirm": { confirmUrl: "https://app.test/news/confirm/TOKEN5" },
  "organizer-notice": { notice: "milestone", count: 1042, threshold: 1000, dashboardUrl: "https://app.test/dashboard/letters/7" },
};
const news: EmailProps["letter-news"] = {
  event: "update",
  title: "Stop Project Nightjar",
  letterUrl: "https://app.test/letters/stop-project-nightjar",
  text: "We met the board.\n\nThey will answer by Friday.",
  unsubscribeUrl: "https://app.test/news/unsubscribe/TOKEN6",
};
const urlsOf = (props: object) => Object.values(props).filter((v): v is string => typeof v === "string" && /^https?:/.test(v));

describe("emails", () => {
  for (const kind of Object.keys(samples) as DiscreetKind[]) {
    it(`${kind}: a subject, a text part and an HTML part with the same links, no images, nothing remote`, () => {
      const mail = renderEmail(kind, samples[kind] as never);
      expect(mail.subject.length).toBeGreaterThan(5);
      expect(mail.subject).not.toMatch(/[\r\n]/);
      for (const url of urlsOf(samples[kind])) {
        expect(mail.text).toContain(url);
        expect(mail.html).toContain(`href="${url}"`);
      }
      expect(mail.html).not.toMatch(/<img|<link|url\(|src=/i);
    });
  }

  for (const kind of Object.keys(samples) as DiscreetKind[]) {
    it(`${kind}: names no letter, even if handed one, and links only to the token URLs it was given`, () => {
      // A title slipped into the props by a future caller must not reach the message.
      const mail = renderEmail(kind, { ...samples[kind], title: "Stop Project Nightjar", slug: "stop-project-nightjar" } as never);
      for (const part of [mail.subject, mail.text, mail.html]) expect(part).not.toMatch(/Nightjar/i);
      const given = new Set(urlsOf(samples[kind]));
      const linked = (text: string) => new Set(text.match(/https?:\/\/[^\s<>"]+/g) ?? []);
      expect(linked(mail.text)).toEqual(given);
      expect(linked(mail.html)).toEqual(given);
    });
  }

  it("news of a letter: its title and text, a visible unsubscribe link, and RFC 8058 one-click headers", () => {
    const mail = renderEmail("letter-news", news);
    expect(mail.subject).toBe("The organizers posted an update: Stop Project Nightjar");
    expect(mail.text).toContain("We met the board.\n\nThey will answer by Friday.");
    expect(mail.html).toContain("<p>We met the board.</p>");
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain(news.unsubscribeUrl);
      expect(part).toContain(news.letterUrl);
    }
    expect(mail.headers).toEqual({
      "List-Unsubscribe": `<${news.unsubscribeUrl}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    });
    expect(mail.html).not.toMatch(/<img|<link|url\(|src=/i);
    const hostile = renderEmail("letter-news", { ...news, title: "<script>x</script>", text: "<b>bold</b>" });
    expect(hostile.html).not.toMatch(/<script>|<b>/);
  });

  it("news of a delivery names the addressee and the date; a response keeps its paragraphs", () => {
    const delivery = renderEmail("letter-news", { ...news, event: "delivery", text: "the board of Acme", date: "2026-11-20" });
    expect(delivery.subject).toBe("The letter was delivered: Stop Project Nightjar");
    expect(delivery.text).toContain("The letter was handed to the board of Acme on 2026-11-20.");
    const response = renderEmail("letter-news", { ...news, event: "response", text: "No.\n\nNever.", date: "2026-11-21" });
    expect(response.html).toContain("<p>No.</p>");
    expect(response.html).toContain("<p>Never.</p>");
  });

  it("tells the signer how long the link works and how to withdraw", () => {
    const mail = renderEmail("signature-confirm", samples["signature-confirm"]);
    expect(mail.subject).toBe("Please confirm your email address");
    expect(mail.text).toMatch(/72 hours/);
    expect(mail.text).toMatch(/withdraw/i);
  });

  it("escapes whatever ends up in the HTML", () => {
    const mail = renderEmail("login-link", { loginUrl: HOSTILE });
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).toContain("&lt;script&gt;");
    expect(escapeHtml(`<a href="x" onclick='y'>&`)).toBe("&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;");
  });

  it("folds header values onto one line", () => {
    expect(oneLine("Hello\r\nBcc: victim@example.com")).toBe("Hello Bcc: victim@example.com");
    expect(oneLine("a\u2028b\nc")).toBe("a b c");
  });
});

describe("the words of every message", () => {
  // Reviewed wording: a change to what signers and organizers read shows up here, word for word.
  for (const kind of Object.keys(samples) as DiscreetKind[]) {
    it(`${kind} reads exactly as reviewed`, () => {
      expect(renderEmail(kind, samples[kind] as never)).toMatchSnapshot();
    });
  }
  it("letter-news reads exactly as reviewed", () => {
    expect(renderEmail("letter-news", news)).toMatchSnapshot();
  });

  it("refuses a kind it does not know", () => {
    expect(() => renderEmail("newsletter" as EmailKind, {} as never)).toThrow("unknown email kind: newsletter");
  });

  it("escapes every character HTML treats specially, and nothing else", () => {
    expect(escapeHtml("plain text 123")).toBe("plain text 123");
    expect(escapeHtml("&")).toBe("&amp;");
    expect(escapeHtml("<>")).toBe("&lt;&gt;");
    expect(escapeHtml(`"'`)).toBe("&quot;&#39;");
    expect(oneLine("x\r\n\r\ny")).toBe("x y");
    expect(oneLine("x\u2029y")).toBe("x y");
    expect(oneLine("  y  ")).toBe("y");
  });
});
