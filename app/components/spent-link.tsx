import { Link } from "@remix-run/react";

/** The one page for every link that has done its job: it says nothing about what happened. */
export function SpentLink({ slug }: { slug: string }) {
  return (
    <section className="narrow" aria-labelledby="spent-heading">
      <h1 id="spent-heading">This link has been used or is no longer valid</h1>
      <p>For your privacy, a link that has done its job shows nothing about the signature it was for.</p>
      <p>
        <Link to={`/letters/${slug}`}>Go to the letter</Link>
      </p>
    </section>
  );
}
