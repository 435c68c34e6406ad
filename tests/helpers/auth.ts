import { expect } from "vitest";
import { linkPath, type TestApp } from "./app";

/** Asks for a magic link and returns the path of the link in the mail. */
export async function requestLoginLink(app: TestApp, email: string): Promise<string> {
  const before = app.smtp.to(email).length;
  const response = await app.post("/login", { email });
  expect(response.status).toBe(303);
  await app.deliverMail();
  await app.smtp.waitFor(() => app.smtp.to(email).length > before);
  return linkPath(app.smtp.to(email).at(-1)!.links, "/login/");
}

/** Logs in through the mailed link and returns the Cookie header to send. */
export async function loginAs(app: TestApp, email: string): Promise<string> {
  const path = await requestLoginLink(app, email);
  const response = await app.post(path, {});
  expect(response.status).toBe(303);
  const setCookie = response.headers.get("set-cookie")!;
  return setCookie.split(";")[0]!;
}

export function as(cookie: string): RequestInit {
  return { headers: { Cookie: cookie } };
}
