/**
 * A provider-like SMTP relay for the benchmarks: STARTTLS with a self-signed certificate, a fixed
 * delay per message (what a real relay spends queueing and scanning), and a cap on concurrent
 * connections. It records when each recipient's message was accepted.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SMTPServer } from "smtp-server";

export interface RelayOptions {
  /** Milliseconds the relay takes to accept each message. */
  delayMs?: number;
  /** Connections allowed at once; more are refused with 421 (as providers do). */
  maxConnections?: number;
  tls?: boolean;
}

export interface Relay {
  port: number;
  url: string;
  /** recipient → time (ms) the message was accepted */
  accepted: Map<string, number>;
  /** Messages accepted in all (a recipient twice counts twice). */
  messages: number;
  maxOpen: number;
  refused: number;
  stop(): Promise<void>;
}

function selfSignedCertificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(path.join(tmpdir(), "undersigned-relay-"));
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
    "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem"),
  ], { stdio: "ignore" });
  return { key: readFileSync(path.join(dir, "key.pem")), cert: readFileSync(path.join(dir, "cert.pem")) };
}

export async function startRelay({ delayMs = 0, maxConnections = 100, tls = false }: RelayOptions = {}): Promise<Relay> {
  let open = 0;
  const relay = { accepted: new Map<string, number>(), messages: 0, maxOpen: 0, refused: 0 } as Relay;
  const server = new SMTPServer({
    authOptional: true,
    logger: false,
    closeTimeout: 200,
    size: 1024 * 1024,
    ...(tls ? selfSignedCertificate() : { disabledCommands: ["STARTTLS"] }),
    onConnect(_session, callback) {
      if (open >= maxConnections) {
        relay.refused++;
        return callback(Object.assign(new Error("Too many connections"), { responseCode: 421 }));
      }
      relay.maxOpen = Math.max(relay.maxOpen, ++open);
      callback();
    },
    onClose() {
      open = Math.max(0, open - 1);
    },
    onData(stream, session, callback) {
      stream.on("data", () => {});
      stream.on("end", () => {
        setTimeout(() => {
          const now = performance.timeOrigin + performance.now();
          for (const rcpt of session.envelope.rcptTo) relay.accepted.set(rcpt.address.toLowerCase(), now);
          relay.messages++;
          callback();
        }, delayMs);
      });
    },
  });
  // A client that vanishes mid-session resets its socket; smtp-server re-emits that on the server.
  server.on("error", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  relay.port = (server.server.address() as { port: number }).port;
  relay.url = `smtp://127.0.0.1:${relay.port}/${tls ? "?requireTLS=true&tls.rejectUnauthorized=false" : ""}`;
  relay.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return relay;
}
