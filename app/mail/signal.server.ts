import pg from "pg";

/** The PostgreSQL channel a process notifies after it queued mail. */
export const MAIL_CHANNEL = "email_outbox";
/** At most one NOTIFY per process per this many ms: a burst of 1,000 signs/s sends 20, not 1,000. */
const NOTIFY_EVERY_MS = 50;

/**
 * Wakes mail workers when mail is queued, so they need not poll: in the same process directly, in
 * other processes through LISTEN/NOTIFY on PostgreSQL. A wake is a hint; the worker still polls
 * slowly (for retries that fall due, and in case a notification is lost with a connection).
 */
export interface MailSignal {
  /** Call after the transaction that queued the mail committed. */
  queued(): void;
  /** Runs `listener` on every wake (from this process, or any other on PostgreSQL). */
  subscribe(listener: () => void): () => void;
  close(): Promise<void>;
}

export function createMailSignal(options: { pool: pg.Pool | null; databaseUrl?: string; onError?: (error: Error) => void }): MailSignal {
  const listeners = new Set<() => void>();
  const wakeAll = () => listeners.forEach((listener) => listener());
  let closed = false;

  // Sending side: a leading NOTIFY at once, then at most one more per interval while queueing goes on.
  let cooling: NodeJS.Timeout | null = null;
  let again = false;
  const notify = () => {
    if (!options.pool || closed) return;
    options.pool.query(`SELECT pg_notify('${MAIL_CHANNEL}', '')`).catch(() => {});
    cooling = setTimeout(() => {
      cooling = null;
      if (again) {
        again = false;
        notify();
      }
    }, NOTIFY_EVERY_MS);
    cooling.unref();
  };

  // Receiving side: one dedicated connection LISTENs, opened when the first worker subscribes.
  let client: pg.Client | null = null;
  let retry: NodeJS.Timeout | null = null;
  const listen = () => {
    if (!options.databaseUrl || closed || client) return;
    const c = new pg.Client({ connectionString: options.databaseUrl });
    client = c;
    const reconnect = (error?: Error) => {
      if (client !== c) return;
      client = null;
      c.end().catch(() => {});
      if (error) options.onError?.(error);
      if (!closed && listeners.size > 0) (retry = setTimeout(listen, 1_000)).unref();
    };
    c.on("error", reconnect);
    c.on("end", () => reconnect());
    c.on("notification", wakeAll);
    c.connect()
      .then(() => c.query(`LISTEN ${MAIL_CHANNEL}`))
      // Whatever was queued while we were not listening is picked up at once.
      .then(wakeAll)
      .catch(reconnect);
  };

  return {
    queued() {
      // Another process's worker learns it through PostgreSQL; this process's worker at once.
      if (cooling) again = true;
      else notify();
      wakeAll();
    },
    subscribe(listener) {
      listeners.add(listener);
      listen();
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      if (cooling) clearTimeout(cooling);
      if (retry) clearTimeout(retry);
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    },
  };
}
