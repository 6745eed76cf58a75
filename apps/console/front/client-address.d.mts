// Types for client-address.mjs, for the console's TypeScript (the front itself is plain JavaScript).
import type { IncomingMessage } from "node:http";
import type { BlockList } from "node:net";

export const CLIENT_IP_HEADER: "x-tenancy-client-ip";
export const LOCAL_CLIENT_HEADER: "x-tenancy-local-client";

export type ProxyTrust = { kind: "none" } | { kind: "hops"; hops: number } | { kind: "list"; list: BlockList };

export function normalizeIp(value: string | undefined | null): string | null;
export function isLoopback(ip: string | null): boolean;
export function parseTrustedProxies(value: string | undefined): ProxyTrust;
export function resolveClientIp(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trust: ProxyTrust,
): string | null;
export function isTrustedPeer(socketAddress: string | undefined, trust: ProxyTrust): boolean;
export function tagClientAddress(req: IncomingMessage, trust: ProxyTrust): void;
