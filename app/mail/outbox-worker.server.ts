import { renderEmail, type EmailKind } from "../../emails/index";
import { claimDueEmails, deleteOldEmails, markEmailFailed, markEmailsSent, openPayload } from "./outbox.server";
import type { OutboxRow } from "../../db/schema";
import { foldCountEvents } from "../models/counts.server";
import { reencryptStale } from "../models/key-rotation.server";
import { forgetExpired } from "../models/retention.server";
import { purgeUnconfirmedSignatures } from "../models/signature.server";
import { announceClosings, notifyOrganizers } from "../models/notifications.server";
import { eraseExpiredSubscriptions, nextFanoutInMs, runFanoutStep } from "../models/subscription.server";
import type { Services } from "../utils/services.server";

const BATCH = 50;
/** Batches being sent at once: the next batch is claimed while the last one's mails are on the wire. */
const BATCHES_IN_FLIGHT = 2;

/** SMTP 5xx answers are permanent (no such mailbox, refused): retrying cannot help. */
function isPermanent(error: unknown): boolean {
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === "number" && code >= 500 && code < 600;
}

type WorkerServices = Pick<Services, "db" | "keys" | "mailer" | "log"> & {
  config?: Partial<Pick<Services["config"], "outboxLeaseSeconds" | "appUrl" | "fanoutRatePerSecond">>;
  metrics?: Services["metrics"];
  mailSignal?: Services["mailSignal"];
};

/** Sends one batch of due mail; returns how many rows it claimed. */
export async function processOutboxBatch(services: WorkerServices): Promise<number> {
  const rows = await claimDueEmails(services.db, BATCH, services.config?.outboxLeaseSeconds);
  await sendClaimed(services, rows);
  return rows.length;
}

/** How long accepted mails wait to be marked sent together: the window in which a crash resends one. */
const MARK_SENT_MS = 20;

/**
 * Sends claimed rows side by side (the pooled transport paces them). Rows the relay accepted are
 * deleted in small groups as they go, not when the whole batch is done: a worker killed while the
 * relay stalls on one mail resends only what was accepted in the last MARK_SENT_MS.
 */
async function sendClaimed(services: WorkerServices, rows: OutboxRow[]): Promise<void> {
  if (rows.length === 0) return;
  services.metrics?.workerBatches.inc();
  let sent: OutboxRow[] = [];
  let flushing: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const group = sent;
    sent = [];
    flushing = flushing.then(() => markEmailsSent(services.db, group));
    return flushing;
  };
  await Promise.all(
    rows.map(async (row) => {
      const kind = row.kind;
      const started = process.hrtime.bigint();
      try {
        if (!row.payload) throw new Error("payload already erased");
        const { to, props } = openPayload(services.keys.encryption, row.payload);
        await services.mailer.send(to, renderEmail(row.kind as EmailKind, props as never));
      } catch (error) {
        const permanent = isPermanent(error);
        await markEmailFailed(services.db, row, errorSummary(error), permanent);
        services.metrics?.mailFailed.inc({ kind, permanent: String(permanent) });
        services.log("warn", { event: "mail_failed", outboxId: row.id, attempt: row.attempts, error: errorSummary(error) });
        return;
      }
      services.metrics?.mailSendSeconds.observe({ kind }, Number(process.hrtime.bigint() - started) / 1e9);
      services.metrics?.mailSent.inc({ kind });
      sent.push(row);
      timer ??= setTimeout(() => void flush().catch(() => {}), MARK_SENT_MS);
    }),
  );
  await flush();
}

/** Error text without the recipient: SMTP servers like to echo addresses back. */
function errorSummary(error: unknown): string {
  const e = error as { code?: string; responseCode?: number; message?: string };
  const parts = [e.code, e.responseCode].filter(Boolean).join(" ");
  return (parts || "error") + (e.message ? `: ${e.message.replace(/\S+@\S+/g, "<address>")}` : "");
}

/**
 * Housekeeping that belongs to no request: retention (unconfirmed signatures, old outbox rows, expired
 * tokens and sessions) and re-sealing what an older encryption key still holds.
 */
export async function runMaintenance(services: Pick<Services, "db" | "keys" | "log">): Promise<void> {
  await purgeUnconfirmedSignatures(services.db);
  await eraseExpiredSubscriptions(services.db);
  await deleteOldEmails(services.db);
  await forgetExpired(services.db);
  const rotation = await reencryptStale(services.db, services.keys);
  const moved = Object.values(rotation.reencrypted).reduce((a, b) => a + b, 0);
  if (moved > 0 || rotation.unreadable > 0) services.log("info", { event: "reencrypted", ...rotation.reencrypted, unreadable: rotation.unreadable });
}

export interface Worker {
  stop(): Promise<void>;
}

export interface WorkerOptions {
  /** Poll this often when nothing woke the worker: retries falling due, a wake lost with a connection. */
  idleMs?: number;
  /** After a wake, wait this long so that a burst is claimed in batches rather than one mail at a time. */
  gatherMs?: number;
  /** Fold count events into the rollups this often. */
  foldMs?: number;
  /** Look for organizer milestones, digests due and letters closed by date this often. */
  notifyMs?: number;
  maintenanceMs?: number;
}

export function startWorker(
  services: WorkerServices,
  { idleMs = 2_000, gatherMs = 20, foldMs = 1_000, notifyMs = 10_000, maintenanceMs = 3_600_000 }: WorkerOptions = {},
): Worker {
  let stopping = false;
  let wake: (() => void) | null = null;
  let woken = false;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken || stopping) return resolve();
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      wake = null;
      woken = false;
    });
  // A wake while the worker is busy is remembered: the next sleep returns at once.
  // When a fan-out step is next due; a wake (an event may have queued a job) checks at once.
  let fanoutAt = 0;
  const unsubscribe = services.mailSignal?.subscribe(() => {
    fanoutAt = 0;
    if (wake) setTimeout(() => wake?.(), gatherMs);
    else woken = true;
  });

  const inFlight = new Set<Promise<void>>();
  const loop = async () => {
    let lastMaintenance = 0;
    let lastFold = 0;
    let lastNotify = 0;
    while (!stopping) {
      let claimed = 0;
      try {
        if (Date.now() - lastMaintenance > maintenanceMs) {
          lastMaintenance = Date.now();
          await runMaintenance(services);
        }
        if (Date.now() - lastFold >= foldMs) {
          lastFold = Date.now();
          await foldCountEvents(services.db);
        }
        if (services.config?.appUrl && Date.now() - lastNotify >= notifyMs) {
          lastNotify = Date.now();
          await notifyOrganizers(services.db, services.keys, services.config.appUrl);
          if ((await announceClosings(services.db, services.config.appUrl)) > 0) fanoutAt = 0;
        }
        if (Date.now() >= fanoutAt && services.config?.appUrl) {
          const queued = await runFanoutStep(services.db, services.keys, services.config.appUrl, services.config.fanoutRatePerSecond);
          const next = queued > 0 ? 0 : await nextFanoutInMs(services.db);
          fanoutAt = Date.now() + (next ?? idleMs);
        }
        while (inFlight.size >= BATCHES_IN_FLIGHT) await Promise.race(inFlight);
        const rows = await claimDueEmails(services.db, BATCH, services.config?.outboxLeaseSeconds);
        claimed = rows.length;
        if (claimed > 0) {
          const sending: Promise<void> = sendClaimed(services, rows)
            .catch((error) => services.log("warn", { event: "worker_error", error: (error as Error).message }))
            .finally(() => inFlight.delete(sending));
          inFlight.add(sending);
        }
      } catch (error) {
        // The database may be restarting: wait and try again rather than die.
        services.log("warn", { event: "worker_error", error: (error as Error).message });
        await sleep(idleMs);
      }
      if (claimed < BATCH && !stopping) await sleep(Math.max(0, Math.min(idleMs, lastFold + foldMs - Date.now(), fanoutAt - Date.now())));
    }
    await Promise.all(inFlight);
  };
  const done = loop();
  return {
    async stop() {
      stopping = true;
      unsubscribe?.();
      wake?.();
      await done;
    },
  };
}
