import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { formatDay } from "../utils/format";
import { plural } from "../utils/format";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Progress } from "../components/letter-view";
import { PUBLIC_CACHE, routeHeaders } from "../utils/http.server";
import { encodeLetterCursor, LETTER_SORTS, listLettersPage, parseLetterCursor, type LetterSort } from "../models/letter.server";
import { cacheKeys } from "../models/read-cache.server";

const PER_PAGE = 24;
const SORT_LABELS: Record<LetterSort, string> = { open: "Open letters first", newest: "Newest", signed: "Most signed" };

/**
 * The list: open letters first by default; search by title or organization, sort, and page on by a
 * cursor. The plain first page is shared for a second (cache) and served rendered (page cache).
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const params = new URL(request.url).searchParams;
  const q = (params.get("q") ?? "").trim().slice(0, 100);
  const rawSort = params.get("sort") ?? "open";
  const sort: LetterSort = (LETTER_SORTS as readonly string[]).includes(rawSort) ? (rawSort as LetterSort) : "open";
  const after = parseLetterCursor(params.get("after"));
  if (after === "invalid") throw new Response("This page of letters does not exist: go back to the first page.", { status: 404 });
  const plain = !q && sort === "open" && !after;
  const page = plain
    ? await context.cache.get(cacheKeys.home, () => listLettersPage(context.db, { sort, limit: PER_PAGE }))
    : await listLettersPage(context.db, { q, sort, after, limit: PER_PAGE });
  const next = page.next ? `/?${new URLSearchParams({ ...(q ? { q } : {}), ...(sort !== "open" ? { sort } : {}), after: encodeLetterCursor(page.next) })}#letters-heading` : null;
  return json({ letters: page.letters, q, sort, next, paged: after !== null, sorts: SORT_LABELS }, { headers: { "Cache-Control": PUBLIC_CACHE } });
}

export const headers = routeHeaders;

export const meta: MetaFunction = () => [
  { title: "Undersigned · open letters from employees" },
  { name: "description", content: "Open letters from employees to their employers, each signature verified by work email." },
  { tagName: "link", rel: "alternate", type: "application/atom+xml", title: "New open letters", href: "/feed.xml" },
];

export default function Home() {
  const { letters, q, sort, next, paged, sorts } = useLoaderData<typeof loader>();
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
        <Form method="get" className="letter-search" role="search" aria-label="Letters">
          <div className="field">
            <label htmlFor="q">Search by title or organization</label>
            <input id="q" name="q" type="search" defaultValue={q} maxLength={100} autoComplete="off" />
          </div>
          <div className="field">
            <label htmlFor="sort">Order</label>
            <select id="sort" name="sort" defaultValue={sort}>
              {Object.entries(sorts).map(([value, label]) => (
                <option key={value} value={value}>{label}</option>
              ))}
            </select>
          </div>
          <button type="submit" className="secondary">Show letters</button>
        </Form>
        {letters.length === 0 ? (
          <p className="muted">{q ? `No letter matches “${q}”.` : paged ? "No more letters." : "No letters are published yet."}</p>
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
                    Published <time dateTime={l.publishedAt}>{formatDay(l.publishedAt)}</time>
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
        {next || paged ? (
          <nav className="pager" aria-label="More letters">
            {paged ? <Link to={q || sort !== "open" ? `/?${new URLSearchParams({ ...(q ? { q } : {}), ...(sort !== "open" ? { sort } : {}) })}` : "/"}>First page</Link> : null}
            {next ? <Link to={next}>More letters</Link> : null}
          </nav>
        ) : null}
      </section>
    </>
  );
}
