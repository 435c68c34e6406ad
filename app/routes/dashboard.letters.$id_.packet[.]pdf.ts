import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireLetter } from "../auth.server";
import { auditExport, loadPacket } from "../models/packet.server";
import { packetPdf } from "../packet-pdf.server";
import { NO_STORE } from "../utils/http.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { organizerId, letter } = await requireLetter(request, context, params.id, { fresh: true });
  if (letter.status === "draft") return new Response("A draft has no delivery packet: publish the letter first.", { status: 404 });
  const pdf = await packetPdf(await loadPacket(context.db, letter), context.config.appUrl);
  await auditExport(context.db, letter.id, organizerId, "export-pdf");
  return new Response(new Uint8Array(pdf), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="${letter.slug}-delivery-packet.pdf"`,
      "Cache-Control": NO_STORE,
    },
  });
}
