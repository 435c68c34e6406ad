import type { MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { routeHeaders } from "../utils/http.server";

export const headers = routeHeaders;
export const meta: MetaFunction = () => [
  { title: "About Undersigned" },
  { name: "description", content: "Undersigned hosts open letters from employees to their employers, each signature verified by work email and then forgotten." },
];

export default function About() {
  return (
    <article className="prose narrow">
      <h1>About Undersigned</h1>
      <p>
        Employees write to their employer in public: cancel a contract, adopt a policy, publish what is hidden. A letter
        carries weight when it is clear that the people signing it really work there, and when it is safe for them to
        sign.
      </p>
      <h2>How it works</h2>
      <ol>
        <li>Organizers draft a letter with concrete demands and choose which email domains may sign.</li>
        <li>Colleagues sign with their work address; a link mailed there proves they work at the company.</li>
        <li>On the page that link opens, each signer chooses to be named or counted anonymously.</li>
        <li>The public sees the letter and its verified count; the organizers deliver it and publish the response.</li>
      </ol>
      <h2>What we promise signers</h2>
      <p>
        We verify you, then forget who you are. The details, with every time limit, are on the{" "}
        <Link to="/privacy">privacy page</Link>.
      </p>
      <p>
        <Link to="/letters/new">Start a letter</Link> · <Link to="/">Read the letters</Link>
      </p>
    </article>
  );
}
