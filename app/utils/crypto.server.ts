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
  encryption: Buffer;
  /** Derives each signature's one stable withdraw token from its fingerprint. */
  withdraw: Buffer;
}

/** One secret, several independent keys: a leak of one derived key does not expose the others. */
export function deriveKeys(emailHashSecret: string): Keys {
  const derive = (secret: string, purpose: string) =>
    Buffer.from(hkdfSync("sha256", secret, "undersigned", purpose, 32));
  return {
    signerHash: derive(emailHashSecret, "signer-hash"),
    organizerHash: derive(emailHashSecret, "organizer-hash"),
    ipHash: derive(emailHashSecret, "ip-hash"),
    rateLimit: derive(emailHashSecret, "rate-limit"),
    encryption: derive(emailHashSecret, "encryption"),
    withdraw: derive(emailHashSecret, "withdraw-token"),
  };
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** AES-256-GCM; `aad` binds the ciphertext to where it is stored (it will not open anywhere else). */
export function encrypt(key: Buffer, plaintext: string, aad?: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  if (aad !== undefined) cipher.setAAD(Buffer.from(aad, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function decrypt(key: Buffer, sealed: Uint8Array, aad?: string): string {
  const buf = Buffer.from(sealed);
  const decipher = createDecipheriv("aes-256-gcm", key, buf.subarray(0, IV_BYTES));
  if (aad !== undefined) decipher.setAAD(Buffer.from(aad, "utf8"));
  decipher.setAuthTag(buf.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(buf.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
}
