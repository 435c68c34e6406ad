import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Fragment } from "react";
import { readMailDir } from "../mail/dev-viewer.server";
import { NO_STORE, notFound, routeHeaders } from "../utils/http.server";

export async function loader({ context }: LoaderFunctionArgs) {
  // Development only: in production the mail directory is somebody's inbox, not a page.
  if (context.config.production || context.config.smtpUrl) throw notFound();
  return json({ messages: await readMailDir(context.config.mailDir) }, { headers: { "Cache-Control": NO_STORE } });
}

export const headers = routeHeaders;
export const meta: MetaFunction = () => [{ title: "Development mail · Undersigned" }, { name: "robots", content: "noindex" }];

const URL_PATTERN = /(https?:\/\/[^\s<>"]+)/g;

function Linkified({ text }: { text: string }) {
  return (
    <>
      {text.split(URL_PATTERN).map((part, i) =>
        i % 2 === 1 ? <a key={i} href={part}>{part}</a> : <Fragment key={i}>{part}</Fragment>,
      )}
    </>
  );
}

export default function DevMail() {
  const { messages } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="mail-heading">
      <h1 id="mail-heading">Development mail</h1>
      <p className="muted">Messages written to the mail directory, newest first. This page does not exist in production.</p>
      {messages.length === 0 ? <p>No messages yet.</p> : null}
      {messages.map((m) => (
        <article key={m.file} className="mail">
          <h2>{m.subject}</h2>
          <p className="muted">
            To {m.to} · {m.date}
          </p>
          <pre>
            <Linkified text={m.text} />
          </pre>
        </article>
      ))}
    </section>
  );
}
