import type { ColumnType, Generated, Selectable } from "kysely";

// Timestamps come back as Date from both pg and PGlite; we write them as Date or let SQL default them.
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type LetterStatus = "draft" | "open" | "closed";
export type DemandKind = "cancel_contract" | "policy" | "transparency" | "other";
export type Visibility = "public" | "anonymous";
export type SignatureStatus = "pending" | "confirmed" | "withdrawn" | "invalidated";
export type OutboxStatus = "pending" | "sent" | "failed";

export interface OrganizersTable {
  id: Generated<string>;
  /** HMAC of the lower-cased address: lets us find the account without keeping the address readable. */
  email_hash: string;
  /** AES-GCM ciphertext, shown only to co-organizers of a shared letter. */
  email_encrypted: Buffer;
  created_at: Timestamp;
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
  /** Null for anonymous signers: a name we never show is a name we do not keep. */
  name: string | null;
  job_title: string | null;
  visibility: Visibility;
  letter_version: string;
  status: ColumnType<SignatureStatus, SignatureStatus | undefined, SignatureStatus>;
  confirm_token_hash: string;
  confirm_expires_at: Timestamp;
  withdraw_token_hash: string;
  mails_sent: ColumnType<number, number | undefined, number>;
  ip_hash: string | null;
  created_at: Timestamp;
  confirmed_at: NullableTimestamp;
  withdrawn_at: NullableTimestamp;
}

export interface EmailOutboxTable {
  id: Generated<string>;
  kind: string;
  /** AES-GCM ciphertext of { to, data }; null once the transport accepted the message or we gave up. */
  payload: Buffer | null;
  status: ColumnType<OutboxStatus, OutboxStatus | undefined, OutboxStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  last_error: string | null;
  created_at: Timestamp;
  sent_at: NullableTimestamp;
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
  email_outbox: EmailOutboxTable;
  audit_log: AuditLogTable;
}

export type Letter = Selectable<LettersTable>;
export type Demand = Selectable<DemandsTable>;
export type Signature = Selectable<SignaturesTable>;
export type OutboxRow = Selectable<EmailOutboxTable>;
