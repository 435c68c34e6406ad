import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { badRequest, NO_STORE, readForm, tooManyRequests, routeHeaders } from "../utils/http.server";
import { requestLogin } from "../models/organizer.server";
import { addressKey } from "../utils/rate-limit.server";
import { currentOrganizer } from "../auth.server";
import { fieldErrors, formFields, LoginSchema } from "../validation.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const sent = new URL(request.url).searchParams.has("sent");
  return json({ sent, loggedIn: Boolean(await currentOrganizer(request, context)) }, { headers: { "Cache-Control": NO_STORE } });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const values = formFields(await readForm(request), ["email"]);
  const parsed = LoginSchema.safeParse(values);
  if (!parsed.success) return badRequest({ errors: fieldErrors(parsed.error), values });
  const verdict = await context.limits.login(context.ipHash, addressKey(context.keys.rateLimit, "organizer", parsed.data.email));
  if (!verdict.ok) {
    context.metrics.rateLimited.inc({ action: "login", scope: verdict.scope });
    throw tooManyRequests(verdict.retryAfterSeconds, verdict.scope);
  }
  await requestLogin(context.db, context.keys, context.config.appUrl, parsed.data.email);
  context.mailSignal.queued();
  // The same answer whether or not the address has an account, and nothing of the address echoed back.
  return redirect("/login?sent=1", { status: 303, headers: { "Cache-Control": NO_STORE } });
}

export const headers = routeHeaders;
export const meta: MetaFunction = () => [
  { title: "Sign in to organize a letter · Undersigned" },
  { name: "description", content: "Organizers sign in with a one-time link sent to their address: no password. Draft an open letter, publish it, follow its verified signatures." },
];

export default function Login() {
  const { sent: sentBefore, loggedIn } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = result?.errors ?? {};
  if (sentBefore) {
    return (
      <section className="narrow" aria-labelledby="login-heading">
        <h1 id="login-heading">Check your inbox</h1>
        <p>We sent a sign-in link to that address. It works once, for 15 minutes.</p>
      </section>
    );
  }
  return (
    <section className="narrow" aria-labelledby="login-heading">
      <h1 id="login-heading">Sign in to organize</h1>
      {loggedIn ? <p>You are already signed in. <a href="/dashboard">Go to your letters</a>.</p> : null}
      <p>Organizers sign in with a link sent by email. No password to remember or leak.</p>
      <Form method="post" noValidate>
        <div className="field">
          <label htmlFor="email">Email</label>
          <input id="email" name="email" type="email" autoComplete="email" required defaultValue={result?.values?.email}
            aria-invalid={errors.email ? true : undefined} aria-describedby={errors.email ? "email-error" : undefined} />
          {errors.email ? <p className="field-error" id="email-error">{errors.email}</p> : null}
        </div>
        <button type="submit">Send me a sign-in link</button>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
