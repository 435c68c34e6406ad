import { renderEmail, type EmailKind } from "../../emails/index";
import { claimDueEmails, deleteOldEmails, markEmailFailed, markEmailSent, openPayload } from "./outbox.server";
import { reencryptStale } from "../models/key-rotation.server";
import { forgetExpired } from "../models/retention.server";
import { purgeUnconfirmedSignatures } from "../models/signature.server";
import type { Services } from "../utils/services.server";

const BATCH = 50;

/** SMTP 5xx answers are permanent (no such mailbox, refused): retrying cannot help. */
function isPermanent(error: unknown): boolean {
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === "number" && code >= 500 && code < 600;
}

/** Sends one batch of due mail; returns how many rows it claimed. */
type WorkerServices = Pick<Services, "db" | "keys" | "mailer" | "log"> & {
  config?: Pick<Services["config"], "outboxLeaseSeconds">;
  metrics?: Services["metrics"];
};

export async function processOutboxBatch(services: WorkerServices): Promise<number> {
  const rows = await claimDueEmails(services.db, BATCH, services.config?.outboxLeaseSeconds);
  if (rows.length > 0) services.metrics?.workerBatches.inc();
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
      await markEmailSent(services.db, row);
    }),
  );
  return rows.length;
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
  await deleteOldEmails(services.db);
  await forgetExpired(services.db);
  const rotation = await reencryptStale(services.db, services.keys);
  const moved = Object.values(rotation.reencrypted).reduce((a, b) => a + b, 0);
  if (moved > 0 || rotation.unreadable > 0) services.log("info", { event: "reencrypted", ...rotation.reencrypted, unreadable: rotation.unreadable });
}

export interface Worker {
  stop(): Promise<void>;
}

export function startWorker(
  services: WorkerServices,
  { idleMs = 500, maintenanceMs = 3_600_000 } = {},
): Worker {
  let stopping = false;
  let wake: (() => void) | null = null;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const loop = async () => {
    let lastMaintenance = 0;
    while (!stopping) {
      let claimed = 0;
      try {
        if (Date.now() - lastMaintenance > maintenanceMs) {
          lastMaintenance = Date.now();
          await runMaintenance(services);
        }
        claimed = await processOutboxBatch(services);
      } catch (error) {
        // The database may be restarting: wait and try again rather than die.
        services.log("warn", { event: "worker_error", error: (error as Error).message });
        await sleep(idleMs * 4);
      }
      if (claimed < BATCH && !stopping) await sleep(idleMs);
    }
  };
  const done = loop();
  return {
    async stop() {
      stopping = true;
      wake?.();
      await done;
    },
  };
}
