// Client-safe rules for verified domains: the console checks input with them, the server decides.

export const DOMAIN_POLICIES = ["none", "suggest", "auto_join"] as const;
export type DomainPolicy = (typeof DOMAIN_POLICIES)[number];

/**
 * Joining through a domain never makes anyone an owner; any other role of the organization (built-in
 * or custom) will do, as the grant rule decides on the server.
 */
export function isDomainJoinRole(role: string): boolean {
  return role !== "owner";
}
export const DOMAIN_JOIN_OWNER_REFUSED = "People joining through a domain cannot become owners";

export const MAX_DOMAINS_PER_ORGANIZATION = 20;

/** Where the proof goes: a TXT record on this name. */
export function verificationRecordName(domain: string): string {
  return `_tenancy-verification.${domain}`;
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * "ACME.com." or "Bücher.example" → "acme.com" / "xn--bcher-kva.example" (lower-case ASCII, as DNS
 * and email addresses compare), or the reason it is not a domain people have email addresses at.
 */
export function normalizeDomain(input: string): { ok: true; domain: string } | { ok: false; problem: string } {
  const trimmed = input.trim().toLowerCase().replace(/\.$/, "");
  if (!trimmed) return { ok: false, problem: "Enter a domain, e.g. acme.com" };
  if (/[\s/:@?#\\[\]]/.test(trimmed) || trimmed.includes("..")) {
    return { ok: false, problem: "Enter just the domain, e.g. acme.com (no https://, paths or addresses)" };
  }
  let ascii: string;
  try {
    // The URL parser applies IDNA: internationalized names become their xn-- form.
    ascii = new URL(`http://${trimmed}`).hostname;
  } catch {
    return { ok: false, problem: "That is not a valid domain" };
  }
  const labels = ascii.split(".");
  if (ascii.length > 253 || labels.length < 2 || !labels.every((label) => LABEL.test(label))) {
    return { ok: false, problem: "That is not a valid domain" };
  }
  const tld = labels.at(-1)!;
  if (/^\d+$/.test(tld)) return { ok: false, problem: "Use a domain name, not an IP address" };
  if (tld === "localhost" || tld === "local" || tld === "internal") {
    return { ok: false, problem: "Use a public domain" };
  }
  return { ok: true, domain: ascii };
}

/** The domain part of an email address, as normalizeDomain gives it; null when there is none. */
export function emailDomainOf(email: string): string | null {
  const at = email.lastIndexOf("@");
  if (at < 0) return null;
  const normalized = normalizeDomain(email.slice(at + 1));
  return normalized.ok ? normalized.domain : null;
}
