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

export async function signAndConfirm(app: TestApp, slug: string, signer: Signer) {
  const links = await signAndReadMail(app, slug, signer);
  const confirmed = await app.post(links.verifyPath!, {});
  if (confirmed.status !== 303) throw new Error(`confirm answered ${confirmed.status}`);
  return links;
}

export async function verifiedCount(app: TestApp, slug: string): Promise<number> {
  app.services.cache.invalidate("");
  const body = await (await app.get(`/api/letters/${slug}`)).json();
  return body.signatures.verified;
}
