import type { SerializeFrom } from "@remix-run/node";
import { Form, Link } from "@remix-run/react";
import type { LetterActionResult } from "../letter-actions.server";
import { Field, FieldError, fieldAria, TextField } from "./field";
import type { ReactNode } from "react";

interface PanelData {
  me: string;
  letter: { id: string; status: string; deliveredTo: string | null; deliveredAt: string; responseText: string | null; responseAt: string };
  values: { listed?: string; goal?: string; closesAt?: string; revealThreshold?: string; organizerName?: string; contactEmail?: string };
  counts: { verified: number; public: number; anonymous: number };
  team: { organizers: { id: string; email: string }[]; invited: string[] };
  /** The name this organizer gave in their last invitation. */
  myName: string;
  updates: { body: string; createdAt: string }[];
  reach: { subscribers: number | null; minGroup: number; notifyMilestones: boolean; notifyDigest: boolean };
}

type ActionResult = SerializeFrom<LetterActionResult>;

function Panel({ title, id, children }: { title: string; id: string; children: ReactNode }) {
  return (
    <section className="panel" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/** Everything around the text: counts (only what the public sees), settings, updates, delivery, the team. */
export function OrganizerPanels({ data, result }: { data: PanelData; result?: ActionResult }) {
  const errorsFor = (intent: string) => (result && !result.ok && result.intent === intent ? result.errors : {});
  const published = data.letter.status !== "draft";
  return (
    <>
      <Panel title="Signatures" id="counts-heading">
        <p>
          <strong>{data.counts.verified.toLocaleString("en")}</strong> verified: {data.counts.public} named,{" "}
          {data.counts.anonymous} anonymous. Organizers see the same figures as the public, never who signed.
        </p>
        {published ? (
          <p data-testid="subscribers">
            News by email:{" "}
            {data.reach.subscribers === null
              ? `fewer than ${data.reach.minGroup} signers`
              : `${data.reach.subscribers.toLocaleString("en")} ${data.reach.subscribers === 1 ? "signer" : "signers"}`}{" "}
            asked to be told when you post an update, record the delivery or the response, or close the letter. They are
            mailed automatically; you never see their addresses.
          </p>
        ) : null}
      </Panel>

      {published ? (
        <>
          <Panel title="Notifications" id="notify-heading">
            <Form method="post">
              <p>Email me (counts only, never who signed):</p>
              <label className="choice">
                <input type="checkbox" name="notifyMilestones" defaultChecked={data.reach.notifyMilestones} /> when the letter
                reaches its goal, its reveal threshold, or a round number (100, 1,000, 10,000 …)
              </label>
              <label className="choice">
                <input type="checkbox" name="notifyDigest" defaultChecked={data.reach.notifyDigest} /> a daily digest of new
                signatures
              </label>
              <button type="submit" name="intent" value="notifications" className="secondary">Save notifications</button>
            </Form>
          </Panel>
          <Panel title="Settings" id="settings-heading">
            <Form method="post">
              <fieldset className="field">
                <legend>Listing</legend>
                <label className="choice"><input type="radio" name="listed" value="listed" defaultChecked={data.values.listed !== "unlisted"} /> Listed</label>
                <label className="choice"><input type="radio" name="listed" value="unlisted" defaultChecked={data.values.listed === "unlisted"} /> Unlisted</label>
              </fieldset>
              <TextField id="panel-goal" name="goal" label="Goal (optional)" error={errorsFor("settings").goal} defaultValue={data.values.goal} />
              <TextField id="panel-closesAt" name="closesAt" label="Closing date (optional)" type="date" error={errorsFor("settings").closesAt} defaultValue={data.values.closesAt} />
              <TextField id="panel-revealThreshold" name="revealThreshold" label="Reveal names at (optional)" error={errorsFor("settings").revealThreshold} defaultValue={data.values.revealThreshold} />
              <TextField id="panel-organizerName" name="organizerName" label="Organized by (public, optional)" error={errorsFor("settings").organizerName} defaultValue={data.values.organizerName} />
              <TextField id="panel-contactEmail" name="contactEmail" label="Public contact address (optional)" type="email" autoComplete="off" error={errorsFor("settings").contactEmail} defaultValue={data.values.contactEmail} />
              <button type="submit" name="intent" value="settings">Save settings</button>
            </Form>
            {data.letter.status === "open" ? (
              <p>
                Closing stops signing for good; the count becomes final.{" "}
                <Link to={`/dashboard/letters/${data.letter.id}/close`} className="button danger-link">Close the letter…</Link>
              </p>
            ) : null}
          </Panel>

          <Panel title="Updates" id="updates-panel-heading">
            <Form method="post">
              <Field id="updateBody" label="New update (Markdown)" error={errorsFor("update").updateBody}>
                <textarea id="updateBody" name="body" rows={4} {...fieldAria("updateBody", errorsFor("update").updateBody)} />
              </Field>
              <button type="submit" name="intent" value="update">Post update</button>
            </Form>
            <ul>
              {data.updates.map((u, i) => (
                <li key={i}><time dateTime={u.createdAt}>{u.createdAt.slice(0, 10)}</time>: {u.body.slice(0, 120)}</li>
              ))}
            </ul>
          </Panel>

          <Panel title="Delivery and response" id="delivery-panel-heading">
            <Form method="post">
              <TextField id="panel-deliveredTo" name="deliveredTo" label="Delivered to" error={errorsFor("delivery").deliveredTo} defaultValue={data.letter.deliveredTo ?? ""} />
              <TextField id="panel-deliveredAt" name="deliveredAt" label="Date of delivery" type="date" error={errorsFor("delivery").deliveredAt} defaultValue={data.letter.deliveredAt} />
              <button type="submit" name="intent" value="delivery">Record delivery</button>
            </Form>
            <Form method="post">
              <div className="field">
                <label htmlFor="responseText">The employer's response</label>
                <textarea id="responseText" name="responseText" rows={4} defaultValue={data.letter.responseText ?? ""}
                  aria-invalid={errorsFor("response").responseText ? true : undefined} aria-describedby={errorsFor("response").responseText ? "responseText-error" : undefined} />
                <FieldError id="responseText" message={errorsFor("response").responseText} />
              </div>
              <TextField id="panel-responseAt" name="responseAt" label="Date of the response" type="date" error={errorsFor("response").responseAt} defaultValue={data.letter.responseAt} />
              <button type="submit" name="intent" value="response">Record response</button>
            </Form>
          </Panel>
        </>
      ) : null}

      <Panel title="This letter" id="letter-tools-heading">
        <Form method="post">
          <p>Start a new draft from this text, its demands and settings (no signatures, updates or team come along).</p>
          <button type="submit" name="intent" value="duplicate" className="secondary">Duplicate as a new draft</button>
        </Form>
        {published ? null : (
          <Form method="post">
            <p>Deleting a draft removes it for every organizer, for good.</p>
            <label className="choice">
              <input type="checkbox" name="confirmDelete" {...fieldAria("confirmDelete", errorsFor("delete").confirmDelete)} /> I want to delete
              this draft
            </label>
            <FieldError id="confirmDelete" message={errorsFor("delete").confirmDelete} />
            <button type="submit" name="intent" value="delete" className="danger">Delete the draft</button>
          </Form>
        )}
      </Panel>

      <Panel title="Organizers" id="team-heading">
        <FieldError id="organizers" message={errorsFor("remove-organizer").organizers} />
        <Form method="post">
          <input type="hidden" name="intent" value="remove-organizer" />
          <ul>
            {data.team.organizers.map((o) => (
              <li key={o.id} className="row">
                <span>{o.email}{o.id === data.me ? " (you)" : ""}</span>
                <button type="submit" name="organizerId" value={o.id} className="secondary" aria-label={`Remove ${o.email}`}>Remove</button>
              </li>
            ))}
            {data.team.invited.map((email) => (
              <li key={email}>{email} (invited, not signed in yet)</li>
            ))}
          </ul>
        </Form>
        <Form method="post">
          <TextField id="panel-email" name="email" label="Invite a co-organizer by email" type="email" autoComplete="off" error={errorsFor("invite").inviteEmail}
            hint="Preferably a personal address: the invitation says nothing about the letter, but it still arrives in that inbox." />
          <TextField id="inviter-name" name="inviterName" label="Your name, as the invitation will say it" autoComplete="name" maxLength={60}
            defaultValue={data.myName} error={errorsFor("invite").inviterName}
            hint="The mail names who sent it, so that it does not read like phishing: a first name or how your colleague knows you. It is shown to no one else." />
          <button type="submit" name="intent" value="invite">Send invitation</button>
        </Form>
      </Panel>
    </>
  );
}
