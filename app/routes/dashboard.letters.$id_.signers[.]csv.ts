import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireLetter } from "../auth.server";
import { namesRevealed } from "../letter-page.server";
import { countTotals } from "../models/counts.server";
import { auditExport, csvCell, namedEntries } from "../models/packet.server";
import { NO_STORE } from "../utils/http.server";

/**
 * Named public signers (name, job title, domain, confirmation day), the same people the public page
 * lists: none before the reveal threshold. Streamed in keyset batches, with a BOM for spreadsheets.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { organizerId, letter } = await requireLetter(request, context, params.id, { fresh: true });
  if (letter.status === "draft") return new Response("A draft has no signers: publish the letter first.", { status: 404 });
  const counts = await countTotals(context.db, letter.id);
  const shown = namesRevealed(letter.reveal_threshold, counts.public);
  await auditExport(context.db, letter.id, organizerId, "export-csv", { count: shown ? counts.public : 0 });
  const encoder = new TextEncoder();
  const batches = shown ? namedEntries(context.db, letter.id) : null;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`\uFEFF${["name", "job_title", "domain", "confirmed"].join(",")}\r\n`));
    },
    async pull(controller) {
      const next = await batches?.next();
      if (!next || next.done) return controller.close();
      controller.enqueue(encoder.encode(next.value.map((s) => [s.name, s.jobTitle ?? "", s.domain, s.confirmed].map(csvCell).join(",") + "\r\n").join("")));
    },
  });
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${letter.slug}-named-signers.csv"`,
      "Cache-Control": NO_STORE,
    },
  });
}
