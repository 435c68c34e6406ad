import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  to: string;
  /** Each recipient's bare address, lower-cased. */
  recipients: string[];
  /** The SMTP connection (session) it arrived on. */
  session: string;
  subject: string;
  text: string;
  html: string;
  raw: string;
  /** Every http(s) link in the text part. */
  links: string[];
}

/**
 * A real SMTP server in this process: the app's nodemailer talks to it over TCP, and tests read
 * the parsed messages. `stop()` and `start()` on the same port simulate an outage.
 */
export class TestSmtpServer {
  readonly received: ReceivedMail[] = [];
  #server: SMTPServer | null = null;
  #waiters: (() => void)[] = [];
  #holdAfter = Infinity;
  /** Recipients this relay refuses for good (550), as a real one refuses a mailbox that does not exist. */
  readonly refuse = new Set<string>();
  /** Connections opened so far, and the most open at once. */
  connections = 0;
  maxConcurrent = 0;
  #open = 0;
  #held: (() => void)[] = [];
  /** Sessions whose client hung up: a message it sent but never got a 250 for was not delivered. */
  #closed = new Set<string>();
  port = 0;
  /** Errors on client connections (a killed worker resets its socket): recorded, never thrown. */
  readonly connectionErrors: Error[] = [];

  /**
   * Accepts `count` more messages, then leaves every further one unanswered until release(): a
   * relay that stalls, so a test can kill a worker while it is certainly mid-batch.
   */
  holdAfter(count: number): void {
    this.#holdAfter = this.received.length + count;
  }

  /** Client connections open now (a killed client's close is seen some time after the kill). */
  get openConnections(): number {
    return this.#open;
  }

  release(): void {
    this.#holdAfter = Infinity;
    for (const go of this.#held.splice(0)) go();
  }

  async start(): Promise<this> {
    const server = new SMTPServer({
      authOptional: true,
      // The app keeps pooled connections open: a stop (an outage, the end of a test) drops them at once.
      closeTimeout: 200,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onConnect: (_session, callback) => {
        this.connections++;
        this.maxConcurrent = Math.max(this.maxConcurrent, ++this.#open);
        callback();
      },
      onClose: (session) => {
        this.#open--;
        this.#closed.add(session.id);
      },
      onRcptTo: (address, _session, callback) => {
        if (this.refuse.has(address.address.toLowerCase())) {
          const error = Object.assign(new Error("5.1.1 No such mailbox"), { responseCode: 550 });
          return callback(error);
        }
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", async () => {
          if (this.received.length >= this.#holdAfter) {
            await new Promise<void>((go) => this.#held.push(go));
            // A client killed while held has hung up; let its socket's close event land first.
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
          // As a real relay: a message is accepted when the client is told so (250). A client killed
          // while its message was held never heard that; it will send the message again.
          if (this.#closed.has(session.id)) return callback(new Error("client gone before acceptance"));
          const raw = Buffer.concat(chunks).toString("utf8");
          const mail: ParsedMail = await simpleParser(raw);
          const to = Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(", ") : (mail.to?.text ?? "");
          const recipients = (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [])
            .flatMap((a) => a.value)
            .map((v) => (v.address ?? "").toLowerCase());
          const text = mail.text ?? "";
          this.received.push({
            to,
            recipients,
            session: session.id,
            subject: mail.subject ?? "",
            text,
            html: typeof mail.html === "string" ? mail.html : "",
            raw,
            links: text.match(/https?:\/\/[^\s<>"]+/g) ?? [],
          });
          for (const wake of this.#waiters.splice(0)) wake();
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    // smtp-server re-emits every client socket error on the server; without a listener a client
    // that dies mid-session (SIGKILL, ECONNRESET) would be an uncaught exception in the test run.
    server.on("error", (error) => this.connectionErrors.push(error));
    this.port = (server.server.address() as AddressInfo).port;
    this.#server = server;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    this.release();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Messages to one address: exactly that address, case-insensitive (not "ada@x" for "ada@x.org"). */
  to(address: string): ReceivedMail[] {
    const wanted = address.toLowerCase();
    return this.received.filter((m) => m.recipients.includes(wanted));
  }

  async waitFor(predicate: (mails: ReceivedMail[]) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.received)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for mail; have ${this.received.length}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }
}
