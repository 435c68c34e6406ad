import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from "node:crypto";

/** 256 bits from the CSPRNG, URL-safe. Only its SHA-256 is ever stored. */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Several tokens from one call to the CSPRNG (the sign path needs two). */
export function newTokens(count: number): string[] {
  const bytes = randomBytes(32 * count);
  return Array.from({ length: count }, (_, i) => bytes.subarray(i * 32, (i + 1) * 32).toString("base64url"));
}

export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

export function hmac(key: Buffer, value: string): string {
  return createHmac("sha256", key).update(value).digest("hex");
}

export interface Keys {
  /** Signature de-duplication: HMAC(letter id + canonical address). */
  signerHash: Buffer;
  /** Organizer account lookup by address. */
  organizerHash: Buffer;
  /** Client IPs for rate limits and abuse signals: hashed, never stored raw. */
  ipHash: Buffer;
  /** Rate-limit keys for addresses: unlike signatures' fingerprints, so a limiter row links to nothing. */
  rateLimit: Buffer;
  /** AES-256-GCM for addresses waiting in the outbox, sealed submissions and organizer addresses. */
  encryption: Keyring;
  /** Derives each signature's one stable withdraw token from its fingerprint. */
  withdraw: Buffer;
  /** Subscriber addresses: HMAC(letter id + canonical address), one subscription per address per letter. */
  subscriberHash: Buffer;
  /** Derives each subscription's unsubscribe token, so every news mail can carry it. */
  unsubscribe: Buffer;
}

/**
 * Encryption keys by version. New ciphertexts use `current`; older ones open with whichever key
 * they name, so a key can be rotated without losing pending mail (docs/decisions/008).
 */
export interface Keyring {
  current: { id: number; key: Buffer };
  byId: ReadonlyMap<number, Buffer>;
  /** Key 0, derived from EMAIL_HASH_SECRET: reads unversioned ciphertexts, always present. */
  legacy: Buffer;
}

const derive = (secret: string, purpose: string) => Buffer.from(hkdfSync("sha256", secret, "undersigned", purpose, 32));

/**
 * One secret, several independent keys: a leak of one derived key does not expose the others.
 * `encryptionSecrets` (ENCRYPTION_KEYS) are versioned encryption secrets, current first; key 0,
 * derived from EMAIL_HASH_SECRET, is always kept for reading what was sealed before them.
 */
export function deriveKeys(emailHashSecret: string, encryptionSecrets: { id: number; secret: string }[] = []): Keys {
  const legacy = derive(emailHashSecret, "encryption");
  const byId = new Map<number, Buffer>([[0, legacy]]);
  for (const { id, secret } of encryptionSecrets) byId.set(id, derive(secret, "encryption"));
  const currentId = encryptionSecrets[0]?.id ?? 0;
  return {
    signerHash: derive(emailHashSecret, "signer-hash"),
    organizerHash: derive(emailHashSecret, "organizer-hash"),
    ipHash: derive(emailHashSecret, "ip-hash"),
    rateLimit: derive(emailHashSecret, "rate-limit"),
    encryption: { current: { id: currentId, key: byId.get(currentId)! }, byId, legacy },
    withdraw: derive(emailHashSecret, "withdraw-token"),
    subscriberHash: derive(emailHashSecret, "subscriber-hash"),
    unsubscribe: derive(emailHashSecret, "unsubscribe-token"),
  };
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Versioned ciphertexts start with these bytes and the key id; older ones are bare iv+tag+body (key 0). */
const MAGIC = Buffer.from("US1", "latin1");
const HEADER_BYTES = MAGIC.length + 1;

/** AES-256-GCM under the current key; `aad` binds the ciphertext to where it is stored (it will not open anywhere else). */
export function encrypt(keyring: Keyring, plaintext: string, aad?: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", keyring.current.key, iv);
  if (aad !== undefined) cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([MAGIC, Buffer.from([keyring.current.id]), iv, cipher.getAuthTag(), body]);
}

/** The header, then at least an IV and a tag: an empty plaintext has an empty body. */
function isVersioned(buf: Buffer): boolean {
  return buf.length >= HEADER_BYTES + IV_BYTES + TAG_BYTES && buf.subarray(0, MAGIC.length).equals(MAGIC);
}

/** The key id a ciphertext was sealed with (0 for the unversioned format). */
export function keyIdOf(sealed: Uint8Array): number {
  const buf = Buffer.from(sealed);
  return isVersioned(buf) ? buf[MAGIC.length]! : 0;
}

export function decrypt(keyring: Keyring, sealed: Uint8Array, aad?: string): string {
  const buf = Buffer.from(sealed);
  // Stryker disable next-line ConditionalExpression: reading an unversioned ciphertext as versioned fails authentication and falls back below
  const key = isVersioned(buf) ? keyring.byId.get(buf[MAGIC.length]!) : undefined;
  // Stryker disable next-line ConditionalExpression: without a key, opening throws and falls back below all the same
  if (key) {
    try {
      return open(key, buf.subarray(HEADER_BYTES), aad);
    } catch {
      // An unversioned ciphertext whose random IV happens to begin like a header: read it as one below.
    }
  }
  return open(keyring.legacy, buf, aad);
}

function open(key: Buffer, buf: Buffer, aad?: string): string {
  const decipher = createDecipheriv("aes-256-gcm", key, buf.subarray(0, IV_BYTES));
  if (aad !== undefined) decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(buf.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(buf.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString();
}
