import { CLIENT_IP_HEADER, LOCAL_CLIENT_HEADER } from "../../front/client-address.mjs";

// The HTTP front (server.mjs) sets these on every request, after removing any copy the client sent.
export { CLIENT_IP_HEADER };

/** The client's IP as the front resolved it from the socket and TENANCY_TRUSTED_PROXIES; null if unknown. */
export const clientIpOf = (headers: Pick<Headers, "get">): string | null => headers.get(CLIENT_IP_HEADER);

/** Did the request come straight from this machine (loopback socket, no proxy in between)? */
export const isLocalClient = (headers: Headers): boolean => headers.get(LOCAL_CLIENT_HEADER) === "1";
