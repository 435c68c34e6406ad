import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { NO_STORE, routeHeaders } from "../utils/http.server";
import { consumeLoginToken, loginTokenState, type LoginTokenState } from "../models/organizer.server";
import { startSession } from "../auth.server";

function refuse(state: LoginTokenState): never {
  throw new Response(
    state === "unknown"
      ? "This sign-in link is not valid. Ask for a new one on the sign-in page."
      : "This sign-in link was already used or has expired (links work once, for 15 minutes). Ask for a new one on the sign-in page.",
    { status: state === "unknown" ? 404 : 410, headers: { "Cache-Control": NO_STORE } },
  );
}

// GET and HEAD only show the button: a mail scanner opening the link must not use it up.
export async function loader({ params, context }: LoaderFunctionArgs) {
  const state = await loginTokenState(context.db, params.token ?? "");
  if (state !== "usable") refuse(state);
  return json({}, { headers: { "Cache-Control": NO_STORE } });
}

export async function action({ params, context }: ActionFunctionArgs) {
  const token = params.token ?? "";
  const organizerId = await consumeLoginToken(context.db, token);
  if (!organizerId) refuse(await loginTokenState(context.db, token));
  return startSession(context, organizerId, "/dashboard");
}

export const headers = routeHeaders;
export const meta: MetaFunction = () => [{ title: "Sign in · Undersigned" }, { name: "robots", content: "noindex" }];

export default function LoginWithToken() {
  return (
    <section className="narrow" aria-labelledby="login-heading">
      <h1 id="login-heading">Sign in to Undersigned</h1>
      <p>Press the button to finish signing in on this device.</p>
      <Form method="post">
        <button type="submit">Sign in</button>
      </Form>
      <p>
        <Link to="/login">Ask for a new link instead</Link>
      </p>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
