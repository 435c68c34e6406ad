import { describe, expect, it } from "vitest";
import { renderEmail, type EmailKind, type EmailProps } from "../../emails/index";
import { escapeHtml, oneLine } from "../../emails/layout";

const HOSTILE = 'https://app.test/verify/abc"><script>alert(1)</script>';
const samples: { [K in EmailKind]: EmailProps[K] } = {
  "signature-confirm": { verifyUrl: "https://app.test/verify/TOKEN1", withdrawUrl: "https://app.test/withdraw/TOKEN2" },
  "signature-already": { withdrawUrl: "https://app.test/withdraw/TOKEN3" },
  "login-link": { loginUrl: "https://app.test/login/TOKEN4" },
  "organizer-invite": { loginUrl: "https://app.test/login" },
};

describe("emails", () => {
  for (const kind of Object.keys(samples) as EmailKind[]) {
    it(`${kind}: a subject, a text part and an HTML part with the same links, no images, nothing remote`, () => {
      const mail = renderEmail(kind, samples[kind] as never);
      expect(mail.subject.length).toBeGreaterThan(5);
      expect(mail.subject).not.toMatch(/[\r\n]/);
      for (const url of Object.values(samples[kind])) {
        expect(mail.text).toContain(url);
        expect(mail.html).toContain(`href="${url}"`);
      }
      expect(mail.html).not.toMatch(/<img|<link|url\(|src=/i);
    });
  }

  for (const kind of Object.keys(samples) as EmailKind[]) {
    it(`${kind}: names no letter, even if handed one, and links only to the token URLs it was given`, () => {
      // A title slipped into the props by a future caller must not reach the message.
      const mail = renderEmail(kind, { ...samples[kind], title: "Stop Project Nightjar", slug: "stop-project-nightjar" } as never);
      for (const part of [mail.subject, mail.text, mail.html]) expect(part).not.toMatch(/Nightjar/i);
      const given = new Set(Object.values(samples[kind]));
      const linked = (text: string) => new Set(text.match(/https?:\/\/[^\s<>"]+/g) ?? []);
      expect(linked(mail.text)).toEqual(given);
      expect(linked(mail.html)).toEqual(given);
    });
  }

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
  for (const kind of Object.keys(samples) as EmailKind[]) {
    it(`${kind} reads exactly as reviewed`, () => {
      expect(renderEmail(kind, samples[kind] as never)).toMatchSnapshot();
    });
  }

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
