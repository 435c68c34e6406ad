import { randomBytes } from "node:crypto";
import { chmod, mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import nodemailer from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import type { EmailContent } from "../../emails/index";
import { oneLine } from "../../emails/layout";

/** The only door to nodemailer: SMTP when SMTP_URL is set, otherwise one .eml file per message. */
export interface Mailer {
  send(to: string, content: EmailContent): Promise<void>;
  close(): void;
}

export interface MailerOptions {
  smtpUrl: string | null;
  mailDir: string;
  from: string;
  /** Concurrent SMTP connections, reused for many messages (providers cap both). */
  maxConnections?: number;
  /** Messages per second this process hands to the relay at most; null: as fast as it accepts. */
  ratePerSecond?: number | null;
}

export function createMailer({ smtpUrl, mailDir, from, maxConnections = 5, ratePerSecond = null }: MailerOptions): Mailer {
  const message = (to: string, content: EmailContent) => ({
    from: oneLine(from),
    to: oneLine(to),
    subject: oneLine(content.subject),
    text: content.text,
    html: content.html,
    ...(content.headers ? { headers: Object.fromEntries(Object.entries(content.headers).map(([k, v]) => [k, oneLine(v)])) } : {}),
  });

  if (smtpUrl) {
    const transport = nodemailer.createTransport({
      url: smtpUrl,
      // A pool: a batch of 50 mails goes over at most maxConnections connections, each reused for
      // up to 100 messages, instead of one new connection (and TLS handshake) per mail.
      pool: true,
      maxConnections,
      maxMessages: 100,
      ...(ratePerSecond ? { rateDelta: 1000, rateLimit: ratePerSecond } : {}),
      // Bounded waits: a hung SMTP server must turn into a retry, not a stuck worker.
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    } as SMTPTransport.Options);
    return {
      async send(to, content) {
        await transport.sendMail(message(to, content));
      },
      close: () => transport.close(),
    };
  }

  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return {
    async send(to, content) {
      const info = await transport.sendMail(message(to, content));
      // Messages hold addresses and live links: readable by this user only.
      await mkdir(mailDir, { recursive: true, mode: 0o700 });
      await chmod(mailDir, 0o700);
      const name = `${new Date().toISOString().replace(/[:.]/g, "-")}-${randomBytes(4).toString("hex")}.eml`;
      // Write then rename, so a reader never sees half a message.
      const tmp = path.join(mailDir, `.${name}.tmp`);
      await writeFile(tmp, info.message as Buffer, { mode: 0o600 });
      await rename(tmp, path.join(mailDir, name));
    },
    close: () => transport.close(),
  };
}
