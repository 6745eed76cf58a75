// Client-safe: the settings page checks a chosen file with the same rules before uploading; the
// server is the authority and checks again.

export const LOGO_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"] as const;
export type LogoType = (typeof LOGO_TYPES)[number];

/** A logo is small: it is served on every page and in every invitation email. */
export const LOGO_MAX_BYTES = 256 * 1024;
export const LOGO_MIN_SIDE = 16;
export const LOGO_MAX_SIDE = 2048;

/** Where a logo is served: content-addressed, so it can be cached for good. */
export function logoPath(sha256: string): string {
  return `/api/logos/${sha256}`;
}

/** An organization row's `logoSha256` as the DTOs' `logoUrl`. */
export function withLogoUrl<T extends { logoSha256: string | null }>({
  logoSha256,
  ...rest
}: T): Omit<T, "logoSha256"> & { logoUrl: string | null } {
  return { ...rest, logoUrl: logoSha256 ? logoPath(logoSha256) : null };
}

export interface SniffedImage {
  type: LogoType;
  width: number;
  height: number;
}

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0) =>
  signature.every((byte, i) => bytes[at + i] === byte);
const ascii = (bytes: Uint8Array, at: number, length: number) =>
  String.fromCharCode(...bytes.subarray(at, at + length));
const u16be = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
const u16le = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8);
const u24le = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);
const u32be = (b: Uint8Array, at: number) =>
  ((b[at]! << 24) >>> 0) + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);

/**
 * What an image file really is, from its bytes (never from its name or declared type): PNG, JPEG,
 * GIF or WebP with the pixel size from its header, or null for anything else (SVG included: it can
 * carry scripts) or a header too broken to read.
 */
export function sniffImage(bytes: Uint8Array): SniffedImage | null {
  if (bytes.length >= 24 && startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    if (ascii(bytes, 12, 4) !== "IHDR") return null;
    return sized("image/png", u32be(bytes, 16), u32be(bytes, 20));
  }
  if (bytes.length >= 10 && (ascii(bytes, 0, 6) === "GIF87a" || ascii(bytes, 0, 6) === "GIF89a")) {
    return sized("image/gif", u16le(bytes, 6), u16le(bytes, 8));
  }
  if (bytes.length >= 4 && startsWith(bytes, [0xff, 0xd8, 0xff])) return sniffJpeg(bytes);
  if (bytes.length >= 30 && ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 4) === "WEBP") return sniffWebp(bytes);
  return null;
}

function sized(type: LogoType, width: number, height: number): SniffedImage | null {
  return width > 0 && height > 0 ? { type, width, height } : null;
}

// Start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
const JPEG_SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function sniffJpeg(bytes: Uint8Array): SniffedImage | null {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return null; // scan data or the end before any frame header
    const length = u16be(bytes, at + 2);
    if (length < 2) return null;
    if (JPEG_SOF.has(marker)) {
      if (at + 9 > bytes.length) return null;
      return sized("image/jpeg", u16be(bytes, at + 7), u16be(bytes, at + 5));
    }
    at += 2 + length;
  }
  return null;
}

function sniffWebp(bytes: Uint8Array): SniffedImage | null {
  const chunk = ascii(bytes, 12, 4);
  if (chunk === "VP8 ") {
    // Lossy: a key frame's start code, then 14-bit width and height.
    if (!startsWith(bytes, [0x9d, 0x01, 0x2a], 23)) return null;
    return sized("image/webp", u16le(bytes, 26) & 0x3fff, u16le(bytes, 28) & 0x3fff);
  }
  if (chunk === "VP8L") {
    // Lossless: signature 0x2f, then width-1 and height-1 in 14 bits each.
    if (bytes[20] !== 0x2f) return null;
    const bits = bytes[21]! | (bytes[22]! << 8) | (bytes[23]! << 16) | (bytes[24]! << 24);
    return sized("image/webp", (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === "VP8X") {
    // Extended: canvas width-1 and height-1 in 24 bits each.
    return sized("image/webp", u24le(bytes, 24) + 1, u24le(bytes, 27) + 1);
  }
  return null;
}

export type LogoProblem = { reason: "image_too_large"; message: string } | { reason: "image_invalid"; message: string };

/**
 * Why these bytes cannot be a logo (too big, not one of the accepted images, an odd size, or not
 * what the uploader said it was), or null with what the image is.
 */
export function checkLogo(
  bytes: Uint8Array,
  declaredType?: string | null,
): { ok: true; image: SniffedImage } | ({ ok: false } & LogoProblem) {
  if (bytes.length === 0) return { ok: false, reason: "image_invalid", message: "The file is empty." };
  if (bytes.length > LOGO_MAX_BYTES) {
    return {
      ok: false,
      reason: "image_too_large",
      message: `The logo must be at most ${LOGO_MAX_BYTES / 1024} KB (this one is ${Math.ceil(bytes.length / 1024)} KB).`,
    };
  }
  const image = sniffImage(bytes);
  if (!image) {
    return { ok: false, reason: "image_invalid", message: "Use a PNG, JPEG, GIF or WebP image." };
  }
  const declared = declaredType?.trim().toLowerCase();
  if (declared && declared !== image.type && !(declared === "image/jpg" && image.type === "image/jpeg")) {
    return {
      ok: false,
      reason: "image_invalid",
      message: `The file says it is ${declared} but its content is ${image.type}.`,
    };
  }
  const { width, height } = image;
  if (Math.min(width, height) < LOGO_MIN_SIDE || Math.max(width, height) > LOGO_MAX_SIDE) {
    return {
      ok: false,
      reason: "image_invalid",
      message: `The logo must be between ${LOGO_MIN_SIDE} and ${LOGO_MAX_SIDE} pixels on each side (this one is ${width}×${height}).`,
    };
  }
  return { ok: true, image };
}
