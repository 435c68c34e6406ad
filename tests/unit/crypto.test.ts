import { createCipheriv, createDecipheriv, hkdfSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decrypt, deriveKeys, encrypt, hmac, keyIdOf, newToken, newTokens, sha256 } from "../../app/utils/crypto.server";

const SECRET = "a-test-secret-of-more-than-32-characters-0123";
const K7 = { id: 7, secret: "seventh-encryption-secret-0123456789abcdef" };

/** What the first version wrote: iv + tag + body under key 0, no header. */
function legacySeal(plain: string, iv: Buffer, aad?: string): Buffer {
  const key = Buffer.from(hkdfSync("sha256", SECRET, "undersigned", "encryption", 32));
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  if (aad) cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

describe("tokens and hashes", () => {
  it("makes 256-bit URL-safe tokens, distinct every time", () => {
    const tokens = [newToken(), ...newTokens(3)];
    for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set(tokens).size).toBe(4);
    expect(newTokens(0)).toEqual([]);
  });

  it("hashes with SHA-256 and keys HMACs by purpose", () => {
    expect(sha256("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const a = deriveKeys(SECRET);
    expect(hmac(a.signerHash, "x")).not.toBe(hmac(a.organizerHash, "x"));
    expect(hmac(a.signerHash, "x")).toBe(hmac(deriveKeys(SECRET).signerHash, "x"));
    expect(hmac(a.signerHash, "x")).not.toBe(hmac(deriveKeys(`${SECRET}!`).signerHash, "x"));
    for (const k of [a.signerHash, a.organizerHash, a.ipHash, a.rateLimit, a.withdraw, a.encryption.current.key]) expect(k).toHaveLength(32);
    expect(new Set([a.signerHash, a.organizerHash, a.ipHash, a.rateLimit, a.withdraw, a.encryption.current.key].map((k) => k.toString("hex"))).size).toBe(6);
  });
});

describe("sealing", () => {
  it("seals under the current key with a versioned header, and opens it again", () => {
    const keys = deriveKeys(SECRET, [K7]);
    const sealed = encrypt(keys.encryption, "ada@example.com");
    expect(sealed.subarray(0, 3).toString("latin1")).toBe("US1");
    expect(keyIdOf(sealed)).toBe(7);
    expect(sealed.toString("latin1")).not.toContain("ada");
    expect(decrypt(keys.encryption, sealed)).toBe("ada@example.com");
    // Fresh IV each time.
    expect(encrypt(keys.encryption, "same").equals(encrypt(keys.encryption, "same"))).toBe(false);
    expect(keyIdOf(encrypt(deriveKeys(SECRET).encryption, "x"))).toBe(0);
  });

  it("binds a ciphertext to its associated data", () => {
    const keys = deriveKeys(SECRET);
    const sealed = encrypt(keys.encryption, "secret", "confirm-link:a");
    expect(decrypt(keys.encryption, sealed, "confirm-link:a")).toBe("secret");
    expect(() => decrypt(keys.encryption, sealed, "confirm-link:b")).toThrow();
    expect(() => decrypt(keys.encryption, sealed)).toThrow();
  });

  it("refuses a tampered ciphertext and one sealed under a key it does not have", () => {
    const keys = deriveKeys(SECRET, [K7]);
    const sealed = encrypt(keys.encryption, "secret");
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => decrypt(keys.encryption, tampered)).toThrow();
    expect(() => decrypt(deriveKeys(SECRET).encryption, sealed)).toThrow();
    expect(() => decrypt(deriveKeys("another-secret-of-more-than-32-characters").encryption, encrypt(deriveKeys(SECRET).encryption, "x"))).toThrow();
  });

  it("opens what the first version sealed (no header, key 0), even when its random IV begins like a header", () => {
    const keys = deriveKeys(SECRET, [K7]);
    const plain = legacySeal("old@example.com", Buffer.from("a1b2c3d4e5f6a1b2c3d4e5f6", "hex"));
    expect(keyIdOf(plain)).toBe(0);
    expect(decrypt(keys.encryption, plain)).toBe("old@example.com");
    // An IV starting with "US1" and a byte naming key 7: the versioned reading fails, the legacy one opens it.
    const lookalike = legacySeal("unlucky@example.com", Buffer.concat([Buffer.from("US1", "latin1"), Buffer.from([7]), Buffer.alloc(8, 1)]), "aad");
    expect(keyIdOf(lookalike)).toBe(7);
    expect(decrypt(keys.encryption, lookalike, "aad")).toBe("unlucky@example.com");
  });
});

describe("what must never change silently", () => {
  // Every fingerprint, lookup, limiter key and withdraw link in a running database was derived
  // with these purposes: a changed string would orphan them all without a single error.
  it("derives each key from the secret and its own purpose, exactly as before", () => {
    const keys = deriveKeys(SECRET, [K7]);
    const fingerprint = (k: Buffer) => sha256(k.toString("hex")).slice(0, 16);
    expect({
      signerHash: fingerprint(keys.signerHash),
      organizerHash: fingerprint(keys.organizerHash),
      ipHash: fingerprint(keys.ipHash),
      rateLimit: fingerprint(keys.rateLimit),
      withdraw: fingerprint(keys.withdraw),
      legacy: fingerprint(keys.encryption.legacy),
      seven: fingerprint(keys.encryption.byId.get(7)!),
    }).toMatchInlineSnapshot(`
      {
        "ipHash": "c6fb676d17eeb59d",
        "legacy": "b7fc44e1b2706de0",
        "organizerHash": "66272c3f5abe6506",
        "rateLimit": "f753e260363c9420",
        "seven": "f775fcf9616b8038",
        "signerHash": "efc34b31db61e1f1",
        "withdraw": "41515d1a7b97f80b",
      }
    `);
    expect(keys.encryption.current).toEqual({ id: 7, key: keys.encryption.byId.get(7) });
    expect(keys.encryption.byId.get(0)).toEqual(keys.encryption.legacy);
  });

  it("seals and opens an empty plaintext, and text beyond ASCII, under a versioned key", () => {
    const keys = deriveKeys(SECRET, [K7]);
    const empty = encrypt(keys.encryption, "");
    expect(keyIdOf(empty)).toBe(7);
    expect(decrypt(keys.encryption, empty)).toBe("");
    const text = "Zoë Ångström ☃ 名前";
    expect(decrypt(keys.encryption, encrypt(keys.encryption, text, "lien: é"), "lien: é")).toBe(text);
    // An independent reading of the format: header, IV, tag, body, UTF-8 plaintext and AAD.
    const sealed = encrypt(keys.encryption, text, "lien: é");
    const decipher = createDecipheriv("aes-256-gcm", keys.encryption.byId.get(7)!, sealed.subarray(4, 16));
    decipher.setAAD(Buffer.from("lien: é", "utf8"));
    decipher.setAuthTag(sealed.subarray(16, 32));
    expect(Buffer.concat([decipher.update(sealed.subarray(32)), decipher.final()]).toString("utf8")).toBe(text);
  });

  it("reads a short buffer that begins like a header as unversioned, and refuses what no key opens", () => {
    expect(keyIdOf(Buffer.concat([Buffer.from("US1", "latin1"), Buffer.from([7]), Buffer.alloc(27)]))).toBe(0);
    expect(keyIdOf(Buffer.concat([Buffer.from("US1", "latin1"), Buffer.from([7]), Buffer.alloc(28)]))).toBe(7);
    expect(keyIdOf(Buffer.concat([Buffer.from("XS1", "latin1"), Buffer.from([7]), Buffer.alloc(40)]))).toBe(0);
    expect(() => decrypt(deriveKeys(SECRET, [K7]).encryption, Buffer.alloc(40, 9))).toThrow();
  });
});
