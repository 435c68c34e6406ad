import { timingSafeEqual } from "node:crypto";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { sql } from "kysely";
import type { DB } from "../../db/connection";

/**
 * Prometheus metrics of one process. Labels are route patterns, statuses, kinds and scopes: never an
 * address, a token, a slug or anything a person typed (tests/integration/metrics.test.ts checks).
 */
export interface Metrics {
  registry: Registry;
  httpRequests: Counter<"method" | "route" | "status">;
  httpDuration: Histogram<"method" | "route">;
  signatures: Counter<"event">;
  mailSent: Counter<"kind">;
  mailFailed: Counter<"kind" | "permanent">;
  mailSendSeconds: Histogram<"kind">;
  workerBatches: Counter;
  rateLimited: Counter<"action" | "scope">;
}

export function createMetrics(db: DB): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "undersigned_process_" });
  const metrics: Metrics = {
    registry,
    httpRequests: new Counter({ name: "undersigned_http_requests_total", help: "HTTP requests by route pattern and status", labelNames: ["method", "route", "status"], registers: [registry] }),
    httpDuration: new Histogram({
      name: "undersigned_http_request_duration_seconds",
      help: "HTTP request latency by route pattern",
      labelNames: ["method", "route"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    signatures: new Counter({ name: "undersigned_signatures_total", help: "Signatures submitted, confirmed and withdrawn", labelNames: ["event"], registers: [registry] }),
    mailSent: new Counter({ name: "undersigned_mail_sent_total", help: "Mails accepted by the transport", labelNames: ["kind"], registers: [registry] }),
    mailFailed: new Counter({ name: "undersigned_mail_failures_total", help: "Mail send failures", labelNames: ["kind", "permanent"], registers: [registry] }),
    mailSendSeconds: new Histogram({
      name: "undersigned_mail_send_seconds",
      help: "Time for the transport to accept one mail",
      labelNames: ["kind"],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    workerBatches: new Counter({ name: "undersigned_worker_batches_total", help: "Outbox batches claimed by this process's worker", registers: [registry] }),
    rateLimited: new Counter({ name: "undersigned_rate_limited_total", help: "Requests refused (or silently dropped) by a rate limit", labelNames: ["action", "scope"], registers: [registry] }),
  };
  // Read when scraped: the outbox as the database sees it, shared by every process.
  new Gauge({
    name: "undersigned_outbox_pending",
    help: "Mails waiting in the outbox",
    registers: [registry],
    async collect() {
      const row = await sql<{ n: number }>`SELECT count(*)::int AS n FROM email_outbox WHERE status = 'pending'`.execute(db);
      this.set(row.rows[0]?.n ?? 0);
    },
  });
  new Gauge({
    name: "undersigned_outbox_oldest_seconds",
    help: "Age of the oldest pending mail (0 when none)",
    registers: [registry],
    async collect() {
      const row = await sql<{ s: number | null }>`
        SELECT extract(epoch FROM now() - min(created_at))::float8 AS s FROM email_outbox WHERE status = 'pending'`.execute(db);
      this.set(Math.max(0, row.rows[0]?.s ?? 0));
    },
  });
  return metrics;
}

/**
 * GET /metrics for Prometheus, on the web port or a worker's METRICS_PORT. Not public: without
 * METRICS_TOKEN it does not exist (404); with it, only `Authorization: Bearer <token>` reads it.
 */
export async function serveMetrics(
  metrics: Metrics,
  token: string | null,
  authorization: string | undefined,
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const plain = { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" };
  if (!token) return { status: 404, headers: plain, body: "Not found." };
  const given = Buffer.from(authorization ?? "");
  const wanted = Buffer.from(`Bearer ${token}`);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
    return { status: 401, headers: { ...plain, "WWW-Authenticate": 'Bearer realm="metrics"' }, body: "A metrics token is required." };
  }
  return { status: 200, headers: { "Content-Type": metrics.registry.contentType, "Cache-Control": "no-store" }, body: await metrics.registry.metrics() };
}
