// @ts-check
import net from "node:net";

/**
 * Who is on the other end of a request, decided by the HTTP front (server.mjs) from the socket, the
 * one thing a client cannot forge, and passed to the app on internal headers. A client-supplied
 * copy of those headers is removed first, so the app can trust them.
 *
 * X-Forwarded-For is believed only as far as TENANCY_TRUSTED_PROXIES allows:
 *   unset or ""   trust no proxy: the client is the socket's peer (the default)
 *   N (a number)  N reverse proxies stand in front: the client is the address the N-th one saw
 *   a list        comma-separated proxy addresses, CIDR ranges, or the names loopback, private,
 *                 linklocal: walking X-Forwarded-For from the right, trusted hops are skipped and
 *                 the first address that is not a trusted proxy is the client
 */

/** The client IP the front resolved (socket + trusted proxies). */
export const CLIENT_IP_HEADER = "x-tenancy-client-ip";
/** "1" when the request came straight from this machine: a loopback socket and no forwarding headers. */
export const LOCAL_CLIENT_HEADER = "x-tenancy-local-client";

const INTERNAL_HEADERS = [CLIENT_IP_HEADER, LOCAL_CLIENT_HEADER];
const FORWARDING_HEADERS = ["forwarded", "x-forwarded-for", "x-real-ip"];

const NAMED_RANGES = {
  loopback: ["127.0.0.0/8", "::1/128"],
  private: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
  linklocal: ["169.254.0.0/16", "fe80::/10"],
};

/**
 * An IP address in its plain form (IPv4-mapped IPv6 becomes IPv4; a port or brackets are dropped),
 * or null when `value` is not an IP address.
 * @param {string | undefined | null} value
 * @returns {string | null}
 */
export function normalizeIp(value) {
  if (!value) return null;
  let address = value.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) address = bracketed[1] ?? "";
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(address);
  if (v4WithPort) address = v4WithPort[1] ?? "";
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) address = mapped[1] ?? "";
  const family = net.isIP(address);
  if (family === 4) return address;
  if (family === 6) return address.toLowerCase();
  return null;
}

/** @param {string} ip */
const familyOf = (ip) => (net.isIP(ip) === 6 ? "ipv6" : "ipv4");

const loopback = new net.BlockList();
for (const range of NAMED_RANGES.loopback) addRange(loopback, range);

/** @param {string | null} ip */
export function isLoopback(ip) {
  return ip !== null && loopback.check(ip, familyOf(ip));
}

/**
 * @param {net.BlockList} list
 * @param {string} entry an address or a CIDR range
 */
function addRange(list, entry) {
  const [address, prefix] = entry.split("/");
  const ip = normalizeIp(address);
  if (!ip) throw new Error(`not an IP address or range: "${entry}"`);
  if (prefix === undefined) {
    list.addAddress(ip, familyOf(ip));
    return;
  }
  const bits = Number(prefix);
  const max = familyOf(ip) === "ipv6" ? 128 : 32;
  if (!/^\d+$/.test(prefix) || bits > max) throw new Error(`not a valid range: "${entry}"`);
  list.addSubnet(ip, bits, familyOf(ip));
}

/**
 * @typedef {{ kind: "none" } | { kind: "hops", hops: number } | { kind: "list", list: net.BlockList }} ProxyTrust
 */

/**
 * Reads TENANCY_TRUSTED_PROXIES; throws a clear error on a value it cannot use.
 * @param {string | undefined} value
 * @returns {ProxyTrust}
 */
export function parseTrustedProxies(value) {
  const text = (value ?? "").trim();
  if (text === "" || text === "0" || text.toLowerCase() === "none") return { kind: "none" };
  if (/^\d+$/.test(text)) return { kind: "hops", hops: Number(text) };
  const list = new net.BlockList();
  for (const raw of text.split(",")) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    const named = /** @type {Record<string, string[]>} */ (NAMED_RANGES)[entry];
    try {
      for (const range of named ?? [entry]) addRange(list, range);
    } catch (error) {
      throw new Error(
        `TENANCY_TRUSTED_PROXIES: ${error instanceof Error ? error.message : String(error)}. ` +
          "Use a number of proxies, or a comma-separated list of addresses, CIDR ranges, loopback, private, linklocal.",
        { cause: error },
      );
    }
  }
  return { kind: "list", list };
}

/**
 * The client's IP: the socket's peer, or, through trusted proxies only, an X-Forwarded-For entry.
 * @param {string | undefined} socketAddress
 * @param {string | string[] | undefined} forwardedFor the X-Forwarded-For header(s) as received
 * @param {ProxyTrust} trust
 * @returns {string | null}
 */
export function resolveClientIp(socketAddress, forwardedFor, trust) {
  const peer = normalizeIp(socketAddress);
  if (!peer || trust.kind === "none") return peer;
  const chain = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? ""))
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  let client = peer;
  // Walk from the nearest hop outwards: each trusted proxy vouches for the address to its left.
  for (let index = chain.length - 1, hop = 0; index >= 0; index--, hop++) {
    const trusted = trust.kind === "hops" ? hop < trust.hops : trust.list.check(client, familyOf(client));
    if (!trusted) break;
    const next = normalizeIp(chain[index]);
    // A garbled entry is where the trustworthy part of the chain ends.
    if (!next) break;
    client = next;
  }
  return client;
}

/**
 * Is the socket's peer one of the trusted proxies (so what it says about the request, such as its
 * X-Request-Id, may be believed)? With a hop count, the peer is the nearest proxy by definition.
 * @param {string | undefined} socketAddress
 * @param {ProxyTrust} trust
 */
export function isTrustedPeer(socketAddress, trust) {
  const peer = normalizeIp(socketAddress);
  if (!peer || trust.kind === "none") return false;
  return trust.kind === "hops" ? trust.hops > 0 : trust.list.check(peer, familyOf(peer));
}

/**
 * Sets the internal headers on an incoming request, after dropping any copy the client sent.
 * @param {import("node:http").IncomingMessage} req
 * @param {ProxyTrust} trust
 */
export function tagClientAddress(req, trust) {
  for (const name of INTERNAL_HEADERS) delete req.headers[name];
  const ip = resolveClientIp(req.socket.remoteAddress, req.headers["x-forwarded-for"], trust);
  if (ip) req.headers[CLIENT_IP_HEADER] = ip;
  const forwarded = FORWARDING_HEADERS.some((name) => req.headers[name] !== undefined);
  if (!forwarded && isLoopback(normalizeIp(req.socket.remoteAddress))) req.headers[LOCAL_CLIENT_HEADER] = "1";
}
