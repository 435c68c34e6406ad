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
  // A response may carry its own heading and sentence: { title, detail } (a tombstone, say).
  const own = isRouteErrorResponse(error) && error.data && typeof error.data === "object" ? (error.data as { title?: unknown; detail?: unknown }) : null;
  if (own && typeof own.title === "string" && typeof own.detail === "string") {
    return (
      <section className="error-page" aria-labelledby="error-title">
        <h1 id="error-title">{own.title}</h1>
        <p data-testid="tombstone">{own.detail}</p>
        <p>
          <Link to="/">See all letters</Link>
        </p>
      </section>
    );
  }
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
