import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** SHA-256 hex: how every invitation token, join code and API-token secret is stored. */
export function sha256Hex(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

/** Constant-time comparison of two hex digests of equal length. */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && timingSafeEqual(left, right);
}

/** URL-safe random string with `bytes` bytes of entropy. */
export function randomUrlToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

// Crockford's base32: no I, L, O, U, so codes survive being read aloud or typed.
const CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** `length` characters from the code alphabet, uniformly (32 divides 256, so no modulo bias). */
export function randomCode(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const byte of bytes) out += CODE_ALPHABET[byte % 32];
  return out;
}

/** Undoes what people do to codes: case, spaces, dashes, and look-alike letters. */
export function normalizeCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
}
