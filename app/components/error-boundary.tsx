import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";

const TITLES: Record<number, string> = {
  400: "That request could not be understood",
  403: "Not allowed",
  404: "Page not found",
  409: "Not possible right now",
  410: "This link has expired",
  413: "Too much data",
  429: "Too many attempts",
  503: "Briefly unavailable",
};

/** One error page for every route: a status, a plain sentence, a way back. */
export function GeneralErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const detail =
    isRouteErrorResponse(error) && typeof error.data === "string" && error.data
      ? error.data
      : status === 404
        ? "There is nothing here. The link may be mistyped, or the letter may not be published."
        : "Something went wrong on our side. Nothing you sent was lost; please try again.";
  return (
    <section className="error-page" aria-labelledby="error-title">
      <h1 id="error-title">{TITLES[status] ?? "Something went wrong"}</h1>
      <p>{detail}</p>
      <p>
        <Link to="/">See all letters</Link>
      </p>
    </section>
  );
}
