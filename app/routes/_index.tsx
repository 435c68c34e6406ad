import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { plural } from "../utils/format";
import { Link, useLoaderData } from "@remix-run/react";
import { Progress } from "../components/letter-view";
import { PUBLIC_CACHE, routeHeaders } from "../utils/http.server";
import { listPublicLetters } from "../models/letter.server";
import { cacheKeys } from "../models/read-cache.server";

export async function loader({ context }: LoaderFunctionArgs) {
  const letters = await context.cache.get(cacheKeys.home, () => listPublicLetters(context.db));
  return json({ letters }, { headers: { "Cache-Control": PUBLIC_CACHE } });
}

export const headers = routeHeaders;

export const meta: MetaFunction = () => [
  { title: "Undersigned · open letters from employees" },
  { name: "description", content: "Open letters from employees to their employers, each signature verified by work email." },
  { tagName: "link", rel: "alternate", type: "application/atom+xml", title: "New open letters", href: "/feed.xml" },
];

export default function Home() {
  const { letters } = useLoaderData<typeof loader>();
  return (
    <>
      <section className="intro">
        <h1>Open letters from the people who do the work</h1>
        <p>
          Employees ask their employer, in public, to cancel a contract, adopt a policy or publish what is hidden. Every
          signature is verified through a work email address, then the address is forgotten; signers choose to be named
          or counted anonymously. <Link to="/privacy">What we keep about signers</Link>.
        </p>
        <p>
          <Link className="button" to="/letters/new">
            Start a letter
          </Link>{" "}
          <span className="muted">Organizers sign in with a link by email; drafting is private until you publish.</span>
        </p>
      </section>
      <section aria-labelledby="letters-heading">
        <h2 id="letters-heading">Letters</h2>
        {letters.length === 0 ? (
          <p className="muted">No letters are published yet.</p>
        ) : (
          <ul className="letter-list">
            {letters.map((l) => (
              <li key={l.slug} className="letter-card">
                <p className="eyebrow">
                  {l.organization} ·{" "}
                  <span className={`status status-${l.status}`}>{l.status === "open" ? "Open" : "Closed"}</span>
                </p>
                <h3>
                  <Link to={`/letters/${l.slug}`}>{l.title}</Link>
                </h3>
                {l.excerpt ? <p className="excerpt">{l.excerpt}</p> : null}
                {l.publishedAt ? (
                  <p className="muted">
                    Published <time dateTime={l.publishedAt}>{new Date(l.publishedAt).toLocaleDateString("en", { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" })}</time>
                  </p>
                ) : null}
                <p>
                  <strong>{l.verified.toLocaleString("en")}</strong> {plural(l.verified, "verified signature", "verified signatures")}
                  {l.status === "closed" ? " (final)" : ""}
                </p>
                <Progress verified={l.verified} goal={l.goal} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
