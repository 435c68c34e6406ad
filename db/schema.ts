import type { ColumnType, Generated, Selectable } from "kysely";

// Timestamps come back as Date from both pg and PGlite; we write them as Date or let SQL default them.
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type LetterStatus = "draft" | "open" | "closed";
export type DemandKind = "cancel_contract" | "policy" | "transparency" | "other";
export type Visibility = "public" | "anonymous";
export type SignatureStatus = "pending" | "confirmed" | "withdrawn" | "invalidated";
export type OutboxStatus = "pending" | "failed";

export interface OrganizersTable {
  id: Generated<string>;
  /** HMAC of the lower-cased address: lets us find the account without keeping the address readable. */
  email_hash: string;
  /** AES-GCM ciphertext, shown only to co-organizers of a shared letter. */
  email_encrypted: Buffer;
  /** AES-GCM ciphertext of the name this organizer gives in invitations (null until they invite). */
  display_name_sealed: Buffer | null;
  created_at: Timestamp;
  /** Set by an operator: the account can no longer sign in, and its sessions end. */
  suspended_at: NullableTimestamp;
}

export interface SessionsTable {
  /** SHA-256 of the cookie's token. */
  id_hash: string;
  organizer_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface LoginTokensTable {
  token_hash: string;
  email_hash: string;
  /** Needed to create the account on first login; erased when the token is used. */
  email_encrypted: Buffer | null;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface LettersTable {
  id: Generated<string>;
  slug: string;
  status: ColumnType<LetterStatus, LetterStatus | undefined, LetterStatus>;
  listed: ColumnType<boolean, boolean | undefined, boolean>;
  title: string;
  addressee: string;
  organization: string;
  /** Who stands behind the letter, as the organizers choose to be named publicly ("" when not given). */
  organizer_name: ColumnType<string, string | undefined, string>;
  /** An optional public contact address, published with the letter. */
  contact_email: string | null;
  body: string;
  allowed_domains: string[];
  goal: number | null;
  closes_at: NullableTimestamp;
  reveal_threshold: number | null;
  ask_job_title: ColumnType<boolean, boolean | undefined, boolean>;
  version_hash: string | null;
  published_at: NullableTimestamp;
  closed_at: NullableTimestamp;
  delivered_at: NullableTimestamp;
  delivered_to: string | null;
  response_text: string | null;
  response_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Taken down by an operator: the public sees a tombstone with the reason; counts are frozen. */
  taken_down_at: NullableTimestamp;
  takedown_reason: string | null;
}

export interface LetterVersionsTable {
  letter_id: string;
  version_hash: string;
  /** The frozen text: title, addressee, body and demands as published. */
  content: ColumnType<LetterVersionContent, string, string>;
  created_at: Timestamp;
}

export interface LetterVersionContent {
  title: string;
  addressee: string;
  body: string;
  demands: { kind: DemandKind; text: string }[];
}

export interface DemandsTable {
  id: Generated<string>;
  letter_id: string;
  position: number;
  kind: DemandKind;
  text: string;
}

export interface LetterOrganizersTable {
  letter_id: string;
  organizer_id: string;
  added_at: Timestamp;
  /** Mail this organizer when the letter reaches its goal, its reveal threshold or a round number. */
  notify_milestones: ColumnType<boolean, boolean | undefined, boolean>;
  /** A daily digest of counts (never identities). */
  notify_digest: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface LetterInvitesTable {
  letter_id: string;
  email_hash: string;
  email_encrypted: Buffer;
  invited_by: string;
  created_at: Timestamp;
}

export interface LetterUpdatesTable {
  id: Generated<string>;
  letter_id: string;
  body: string;
  created_at: Timestamp;
}

export interface SignaturesTable {
  id: Generated<string>;
  letter_id: string;
  /** HMAC(secret, letter id + canonical address): de-duplicates per letter, unlinkable across letters. */
  email_hash: string;
  domain: string;
  /** Written only when a named signature is confirmed; null otherwise (pending, anonymous, withdrawn). */
  name: string | null;
  job_title: string | null;
  /** What the address owner chose on the confirmation page; null while pending. */
  visibility: Visibility | null;
  letter_version: string;
  status: ColumnType<SignatureStatus, SignatureStatus | undefined, SignatureStatus>;
  /** SHA-256 of the stable withdraw token (derived from a key and this row's fingerprint). */
  withdraw_token_hash: string | null;
  /** Rows from before 2026-11-29-02 keep the withdraw link they were first mailed. */
  legacy_withdraw_token_hash: string | null;
  /** Mails sent to this address for this letter since mail_window_start (a whole hour). */
  mails_in_window: ColumnType<number, number | undefined, number>;
  mail_window_start: Timestamp;
  ip_hash: string | null;
  /** Whole hours: precise times would let a dump be lined up with mail-server logs. */
  created_at: Timestamp;
  confirmed_at: NullableTimestamp;
  withdrawn_at: NullableTimestamp;
}

/** One row per mailed confirmation link. */
export interface ConfirmLinksTable {
  token_hash: string;
  /** Null once the signature was purged: the link then reads like any spent one until it ages out. */
  signature_id: string | null;
  letter_id: string;
  /** AES-GCM of what was submitted with this link's request (prefills the page); null once used. */
  submission: Buffer | null;
  /** Rounded up to a whole hour. */
  expires_at: Timestamp;
  used: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface EmailOutboxTable {
  id: Generated<string>;
  kind: string;
  /** AES-GCM ciphertext of { to, data }; null once we gave up. Sent rows are deleted. */
  payload: Buffer | null;
  status: ColumnType<OutboxStatus, OutboxStatus | undefined, OutboxStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  last_error: string | null;
  created_at: Timestamp;
  /** 0 transactional (confirmations, logins: someone is waiting), 1 bulk: 0 always goes first. */
  priority: ColumnType<number, number | undefined, number>;
}

export type SubscriptionStatus = "pending" | "active";

/** An address a confirmed signer chose for news of one letter: sealed, never shown to organizers. */
export interface SubscriptionsTable {
  id: Generated<string>;
  letter_id: string;
  /** The signature it came with: withdrawing the signature erases the subscription. */
  signature_id: string | null;
  /** HMAC of letter id + canonical address: one subscription per address per letter. */
  address_hash: string;
  /** AES-GCM with associated data naming the letter and this subscription (it opens nowhere else). */
  address_sealed: Buffer;
  status: ColumnType<SubscriptionStatus, SubscriptionStatus | undefined, SubscriptionStatus>;
  /** SHA-256 of the double opt-in token; null once confirmed. */
  confirm_token_hash: string | null;
  /** SHA-256 of the unsubscribe token (derived from a key and address_hash, so every mail can carry it). */
  unsubscribe_token_hash: string;
  /** Opt-in mails sent to this address (capped). */
  mails_sent: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  confirmed_at: NullableTimestamp;
}

/** One letter event (update, delivery, response, closing) mailed to its subscribers in paced batches. */
export interface FanoutJobsTable {
  id: Generated<string>;
  letter_id: string;
  event: string;
  event_key: string;
  /** What every mail of the event says (no address). */
  props: ColumnType<Record<string, unknown>, string, string>;
  /** Subscribers up to this id when the event happened; later ones did not sign up for it. */
  until_id: string;
  /** The last subscriber id already queued: the cursor, moved in the transaction that queues the mail. */
  after_id: ColumnType<string, string | undefined, string>;
  sent: ColumnType<number, number | undefined, number>;
  done_at: NullableTimestamp;
  next_run_at: Timestamp;
  created_at: Timestamp;
}

export interface LetterMilestonesTable {
  letter_id: string;
  /** "goal", "reveal", "count:1000", "digest:2026-11-29" */
  milestone: string;
  reached_at: Timestamp;
}

/** +1/-1 per change of a confirmed signature, written by a trigger; folded into the rollups by the worker. */
export interface SignatureCountEventsTable {
  id: Generated<string>;
  letter_id: string;
  domain: string;
  visibility: Visibility;
  hour: Timestamp;
  delta: number;
}

export interface LetterDomainCountsTable {
  letter_id: string;
  domain: string;
  visibility: Visibility;
  n: string;
}

export interface LetterHourCountsTable {
  letter_id: string;
  hour: Timestamp;
  n: string;
}

/** Rate-limit counters, one row per key and clock-aligned window, reconciled in batches. */
export interface RateLimitCountsTable {
  key: string;
  window_end: Timestamp;
  n: number;
}

export interface LetterReportsTable {
  id: Generated<string>;
  letter_id: string;
  reason: string;
  /** An optional address to answer the reporter, sealed. */
  contact_encrypted: Buffer | null;
  resolved: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
}

export interface OperatorAuditTable {
  id: Generated<string>;
  operator_id: string | null;
  /** Who acted: "operator" (signed in) or "cli". */
  actor: string;
  action: string;
  letter_id: string | null;
  organizer_id: string | null;
  detail: ColumnType<Record<string, unknown>, string, string>;
  created_at: Timestamp;
}

export interface AuditLogTable {
  id: Generated<string>;
  letter_id: string;
  organizer_id: string | null;
  action: string;
  detail: ColumnType<Record<string, unknown>, string, string>;
  created_at: Timestamp;
}

export interface Database {
  organizers: OrganizersTable;
  sessions: SessionsTable;
  login_tokens: LoginTokensTable;
  letters: LettersTable;
  letter_versions: LetterVersionsTable;
  demands: DemandsTable;
  letter_organizers: LetterOrganizersTable;
  letter_invites: LetterInvitesTable;
  letter_updates: LetterUpdatesTable;
  signatures: SignaturesTable;
  confirm_links: ConfirmLinksTable;
  email_outbox: EmailOutboxTable;
  audit_log: AuditLogTable;
  letter_reports: LetterReportsTable;
  operator_audit: OperatorAuditTable;
  signature_count_events: SignatureCountEventsTable;
  letter_domain_counts: LetterDomainCountsTable;
  letter_hour_counts: LetterHourCountsTable;
  rate_limit_counts: RateLimitCountsTable;
  subscriptions: SubscriptionsTable;
  fanout_jobs: FanoutJobsTable;
  letter_milestones: LetterMilestonesTable;
}

export type Letter = Selectable<LettersTable>;
export type Demand = Selectable<DemandsTable>;
export type Signature = Selectable<SignaturesTable>;
export type OutboxRow = Selectable<EmailOutboxTable>;
