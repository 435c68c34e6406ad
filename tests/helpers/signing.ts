import { countSignatures } from "../../app/models/counts.server";
import { linkPath, type TestApp } from "./app";

export interface Signer {
  name: string;
  email: string;
  title?: string;
  visibility: "public" | "anonymous";
}

/** Signs through the form and returns the paths of the mailed links. */
export async function signAndReadMail(app: TestApp, slug: string, signer: Signer) {
  const before = app.smtp.to(signer.email).length;
  const response = await app.post(`/letters/${slug}`, { ...signer, title: signer.title ?? "" });
  if (response.status !== 303) throw new Error(`sign answered ${response.status}: ${await response.text()}`);
  await app.deliverMail();
  await app.smtp.waitFor(() => app.smtp.to(signer.email).length > before);
  const mail = app.smtp.to(signer.email).at(-1)!;
  return {
    mail,
    verifyPath: mail.links.some((l) => l.includes("/verify/")) ? linkPath(mail.links, "/verify/") : null,
    withdrawPath: linkPath(mail.links, "/withdraw/"),
  };
}

/** What the owner of the address publishes on the confirmation page. */
export function choiceOf(signer: Signer): Record<string, string> {
  return { name: signer.name, title: signer.title ?? "", visibility: signer.visibility };
}

export async function signAndConfirm(app: TestApp, slug: string, signer: Signer) {
  const links = await signAndReadMail(app, slug, signer);
  const confirmed = await app.post(links.verifyPath!, choiceOf(signer));
  if (confirmed.status !== 303) throw new Error(`confirm answered ${confirmed.status}`);
  return { ...links, cookie: confirmed.headers.get("set-cookie")?.split(";")[0] ?? null };
}

/**
 * The true count, straight from the database: it neither reads nor clears the app's cache, so a
 * test can still see whether the cached figures the public gets were refreshed.
 */
export async function verifiedCount(app: TestApp, slug: string): Promise<number> {
  const letter = await app.services.db.selectFrom("letters").select("id").where("slug", "=", slug).executeTakeFirstOrThrow();
  return (await countSignatures(app.services.db, letter.id)).verified;
}
