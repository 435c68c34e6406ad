import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { requireLetter } from "../auth.server";
import { MIN_DOMAIN_GROUP } from "../models/counts.server";
import { auditExport, loadPacket } from "../models/packet.server";
import { NO_STORE, routeHeaders } from "../utils/http.server";
import { renderMarkdown } from "../utils/markdown.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { organizerId, letter } = await requireLetter(request, context, params.id, { fresh: true });
  if (letter.status === "draft") throw new Response("A draft has no delivery packet: publish the letter first.", { status: 404 });
  const packet = await loadPacket(context.db, letter);
  await auditExport(context.db, letter.id, organizerId, "export-packet");
  return json(
    {
      id: letter.id,
      url: `${context.config.appUrl}/letters/${letter.slug}`,
      letter: { ...packet.letter, html: renderMarkdown(packet.letter.body), updates: packet.letter.updates.map((u) => ({ ...u, html: renderMarkdown(u.body) })) },
      counts: packet.counts,
      byDay: packet.byDay,
      namesShown: packet.namesShown,
      named: packet.named,
      minGroup: MIN_DOMAIN_GROUP,
    },
    { headers: { "Cache-Control": NO_STORE } },
  );
}

export const headers = routeHeaders;
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Delivery packet: ${data?.letter.title ?? "letter"} · Undersigned` }, { name: "robots", content: "noindex" }];

const n = (value: number) => value.toLocaleString("en-US");

/** The print-ready hand-over: the letter, its fingerprint, the counts, the named signers, the story. */
export default function Packet() {
  const data = useLoaderData<typeof loader>();
  const { letter, counts } = data;
  let running = 0;
  return (
    <article className="packet" aria-labelledby="packet-title">
      <p className="no-print row">
        <Link to={`/dashboard/letters/${data.id}`}>Back to the letter</Link>
        <a href={`/dashboard/letters/${data.id}/packet.pdf`}>Download the PDF</a>
        <a href={`/dashboard/letters/${data.id}/signers.csv`}>Named signers (CSV)</a>
      </p>
      <p className="no-print muted">Print this page (or save the PDF) to hand the letter over. Opening and downloading it is recorded in the letter's audit log.</p>
      <h1 id="packet-title">{letter.title}</h1>
      <p>
        To: <strong>{letter.addressee}</strong>
        <br />
        An open letter from employees of {letter.organization}
      </p>
      <p className="muted">
        Published {letter.publishedAt?.slice(0, 10)} at {data.url}. Everyone signed this exact text; its fingerprint (SHA-256 of the
        published version) is <code className="fingerprint">{letter.versionHash}</code>.
      </p>
      <section aria-labelledby="packet-letter">
        <h2 id="packet-letter">The letter</h2>
        <div className="letter-body" dangerouslySetInnerHTML={{ __html: letter.html }} />
        {letter.demands.length ? (
          <>
            <h3>Demands</h3>
            <ol>{letter.demands.map((d, i) => <li key={i}>{d.text}</li>)}</ol>
          </>
        ) : null}
      </section>
      <section aria-labelledby="packet-counts">
        <h2 id="packet-counts">Verified signatures</h2>
        <p>
          <strong>{n(counts.verified)}</strong> verified signatures, each confirmed from a work email address: {n(counts.public)} named,{" "}
          {n(counts.anonymous)} anonymous.
        </p>
        {data.byDay.length ? (
          <table>
            <caption>By day of confirmation (UTC)</caption>
            <thead><tr><th scope="col">Day</th><th scope="col">New</th><th scope="col">In all</th></tr></thead>
            <tbody>{data.byDay.map((d) => <tr key={d.day}><td>{d.day}</td><td>{n(d.n)}</td><td>{n((running += d.n))}</td></tr>)}</tbody>
          </table>
        ) : null}
        {Object.keys(counts.byDomain).length ? (
          <table>
            <caption>By email domain</caption>
            <thead><tr><th scope="col">Domain</th><th scope="col">Signatures</th></tr></thead>
            <tbody>{Object.entries(counts.byDomain).sort((a, b) => b[1] - a[1]).map(([d, c]) => <tr key={d}><td>{d}</td><td>{n(c)}</td></tr>)}</tbody>
          </table>
        ) : null}
        <p className="muted">Groups under {data.minGroup} signatures, and groups that would reveal one by subtraction, are counted under "other".</p>
      </section>
      <section aria-labelledby="packet-names">
        <h2 id="packet-names">Named signers</h2>
        {!data.namesShown ? (
          <p>Names are not shown yet: the letter's reveal threshold has not been reached. Everyone who signed is counted above.</p>
        ) : data.named.length === 0 ? (
          <p>Nobody has chosen to be named yet.</p>
        ) : (
          <>
            <ol className="packet-names">{data.named.map((s, i) => <li key={i}>{s.name}{s.jobTitle ? `, ${s.jobTitle}` : ""} <span className="muted">({s.domain}, {s.confirmed})</span></li>)}</ol>
            {counts.public > data.named.length ? <p className="muted">The first {n(data.named.length)} of {n(counts.public)} named signers; the CSV holds every one.</p> : null}
          </>
        )}
      </section>
      {letter.updates.length ? (
        <section aria-labelledby="packet-updates">
          <h2 id="packet-updates">Updates</h2>
          {[...letter.updates].reverse().map((u) => (
            <div key={u.id}>
              <h3><time dateTime={u.createdAt}>{u.createdAt.slice(0, 10)}</time></h3>
              <div dangerouslySetInnerHTML={{ __html: u.html }} />
            </div>
          ))}
        </section>
      ) : null}
      {letter.deliveredAt || letter.responseText ? (
        <section aria-labelledby="packet-outcome">
          <h2 id="packet-outcome">Delivery and response</h2>
          {letter.deliveredAt ? <p>Delivered to {letter.deliveredTo} on {letter.deliveredAt.slice(0, 10)}.</p> : null}
          {letter.responseText ? letter.responseText.split(/\n{2,}/).map((p, i) => <p key={i}>{p}</p>) : null}
        </section>
      ) : null}
    </article>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
