// How the bench talks to each server: seeding through its public API (sign-up, create organization,
// invite, join codes, tokens) and the HTTP request of each measured operation. Bulk members (1,000
// and 100,000) are inserted with SQL by bench-http.ts, since no API adds 100,000 users quickly.

export interface BenchRequest {
  method: "GET" | "POST";
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export type Operation =
  "getOrg" | "getOrgToken" | "listMembers1k" | "listMembers100k" | "listMyOrgs" | "accept" | "join";

export interface Target {
  name: "tenancy" | "plugin";
  baseUrl: string;
  /** Signs a new user up through the auth endpoint; returns the session cookie ("name=value"). */
  signUp(email: string, name: string, password: string): Promise<string>;
  /** Signs in through the auth endpoint; returns the new session's cookie. */
  signIn(email: string, password: string): Promise<string>;
  createOrg(cookie: string, name: string, slug: string): Promise<string>;
  /** Invites `email`; returns what the invitee presents to accept (token or invitation id). */
  invite(cookie: string, organizationId: string, email: string): Promise<string>;
  /** A reusable join code without a use limit (Tenancy only). */
  createJoinCode?(cookie: string, organizationId: string): Promise<string>;
  /** An organization API token, as the `Authorization: Bearer` value (Tenancy only). */
  createApiToken?(cookie: string, organizationId: string): Promise<string>;
  getOrg(cookie: string, organizationId: string): BenchRequest;
  getOrgWithToken?(bearer: string, organizationId: string): BenchRequest;
  listMembers(cookie: string, organizationId: string, limit: number): BenchRequest;
  listMyOrgs(cookie: string): BenchRequest;
  accept(cookie: string, credential: string): BenchRequest;
  join?(cookie: string, code: string): BenchRequest;
  /** The cheapest answer of the framework in front: no auth, no database. */
  floor(): { request: BenchRequest; status: number };
  /** A route answered by bare node:http before any framework (the plugin server has one). */
  bare?(): { request: BenchRequest; status: number };
}

async function call(
  baseUrl: string,
  request: BenchRequest,
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(`${baseUrl}${request.path}`, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body, headers: response.headers };
}

async function ok(baseUrl: string, request: BenchRequest, what: string) {
  const result = await call(baseUrl, request);
  if (result.status < 200 || result.status >= 300)
    throw new Error(`${what}: HTTP ${result.status} ${JSON.stringify(result.body).slice(0, 500)}`);
  return result;
}

/** Finds the first string at any of `paths` (dotted) in `body`; the response shapes may grow. */
function pick(body: unknown, paths: string[], what: string): string {
  for (const p of paths) {
    const value = p
      .split(".")
      .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], body);
    if (typeof value === "string" && value) return value;
  }
  throw new Error(`${what}: none of ${paths.join(", ")} in ${JSON.stringify(body).slice(0, 500)}`);
}

function cookieFrom(headers: Headers, what: string): string {
  for (const line of headers.getSetCookie()) {
    const pair = line.split(";")[0]!;
    if (/session_token=/.test(pair)) return pair;
  }
  throw new Error(`${what}: no session cookie in the answer`);
}

function json(baseUrl: string, path: string, body: unknown, auth: Record<string, string>): BenchRequest {
  return {
    method: "POST",
    path,
    // A browser sends its own origin; cookie-authenticated writes from another origin are refused.
    headers: { "content-type": "application/json", origin: baseUrl, ...auth },
    body: JSON.stringify(body),
  };
}

function signUpRequest(baseUrl: string, email: string, name: string, password: string): BenchRequest {
  return json(baseUrl, "/api/auth/sign-up/email", { email, name, password }, {});
}

async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const request = json(baseUrl, "/api/auth/sign-in/email", { email, password }, {});
  const result = await ok(baseUrl, request, `sign-in ${email}`);
  return cookieFrom(result.headers, `sign-in ${email}`);
}

/** Tenancy: Better Auth at /api/auth, the plain-JSON API at POST /v1/organizations/<procedure>. */
export function tenancyTarget(baseUrl: string): Target {
  const v1 = (procedure: string, body: unknown, auth: Record<string, string>) =>
    json(baseUrl, `/v1/organizations/${procedure}`, body, auth);
  const cookieAuth = (cookie: string) => ({ cookie });
  return {
    name: "tenancy",
    baseUrl,
    async signUp(email, name, password) {
      const result = await ok(baseUrl, signUpRequest(baseUrl, email, name, password), `sign-up ${email}`);
      return cookieFrom(result.headers, `sign-up ${email}`);
    },
    signIn: (email, password) => signIn(baseUrl, email, password),
    async createOrg(cookie, name, slug) {
      const result = await ok(baseUrl, v1("create", { name, handle: slug }, cookieAuth(cookie)), `create ${slug}`);
      return pick(result.body, ["organization.id", "id"], "create organization");
    },
    async invite(cookie, organizationId, email) {
      const result = await ok(
        baseUrl,
        v1("invitations/create", { organizationId, email, role: "member" }, cookieAuth(cookie)),
        `invite ${email}`,
      );
      return pick(result.body, ["token"], "invitations.create");
    },
    async createJoinCode(cookie, organizationId) {
      const result = await ok(
        baseUrl,
        v1("join-codes/create", { organizationId, role: "member" }, cookieAuth(cookie)),
        "joinCodes.create",
      );
      return pick(result.body, ["code"], "joinCodes.create");
    },
    async createApiToken(cookie, organizationId) {
      const result = await ok(
        baseUrl,
        v1("tokens/create", { organizationId, name: "bench" }, cookieAuth(cookie)),
        "tokens.create",
      );
      return pick(result.body, ["apiToken.bearer", "bearer", "token.bearer"], "tokens.create");
    },
    getOrg: (cookie, organizationId) => v1("get", { organizationId }, cookieAuth(cookie)),
    getOrgWithToken: (bearer, organizationId) => v1("get", { organizationId }, { authorization: `Bearer ${bearer}` }),
    listMembers: (cookie, organizationId, limit) => v1("members/list", { organizationId, limit }, cookieAuth(cookie)),
    listMyOrgs: (cookie) => v1("list", {}, cookieAuth(cookie)),
    accept: (cookie, token) => v1("invitations/accept", { token }, cookieAuth(cookie)),
    join: (cookie, code) => v1("join-codes/join", { code }, cookieAuth(cookie)),
    // An unknown /v1 path: Next routes it to the /v1 handler, which answers 404 before auth or SQL.
    floor: () => ({ request: json(baseUrl, "/v1/bench-floor", {}, {}), status: 404 }),
  };
}

/** The Better Auth organization plugin: everything under /api/auth/organization/*. */
export function pluginTarget(baseUrl: string): Target {
  const get = (path: string, cookie: string): BenchRequest => ({
    method: "GET",
    path: `/api/auth/organization/${path}`,
    headers: { cookie },
  });
  const post = (path: string, body: unknown, cookie: string) =>
    json(baseUrl, `/api/auth/organization/${path}`, body, { cookie });
  return {
    name: "plugin",
    baseUrl,
    async signUp(email, name, password) {
      const result = await ok(baseUrl, signUpRequest(baseUrl, email, name, password), `sign-up ${email}`);
      return cookieFrom(result.headers, `sign-up ${email}`);
    },
    signIn: (email, password) => signIn(baseUrl, email, password),
    async createOrg(cookie, name, slug) {
      const result = await ok(baseUrl, post("create", { name, slug }, cookie), `create ${slug}`);
      return pick(result.body, ["id"], "organization/create");
    },
    async invite(cookie, organizationId, email) {
      const result = await ok(
        baseUrl,
        post("invite-member", { organizationId, email, role: "member" }, cookie),
        `invite ${email}`,
      );
      return pick(result.body, ["id", "invitation.id"], "organization/invite-member");
    },
    // get-organization is the plugin's "get org" (metadata + membership check); get-full-organization
    // would also load members and invitations.
    getOrg: (cookie, organizationId) =>
      get(`get-organization?organizationId=${encodeURIComponent(organizationId)}`, cookie),
    listMembers: (cookie, organizationId, limit) =>
      get(`list-members?organizationId=${encodeURIComponent(organizationId)}&limit=${limit}`, cookie),
    listMyOrgs: (cookie) => get("list", cookie),
    accept: (cookie, invitationId) => post("accept-invitation", { invitationId }, cookie),
    // Better Auth's own health endpoint: its router, no session, no database.
    floor: () => ({ request: { method: "GET", path: "/api/auth/ok", headers: {} }, status: 200 }),
    bare: () => ({ request: { method: "GET", path: "/health", headers: {} }, status: 200 }),
  };
}

/** Sends one request and returns its status (used to check each operation answers 2xx before loading it). */
export async function probe(target: Target, request: BenchRequest): Promise<{ status: number; body: unknown }> {
  return call(target.baseUrl, request);
}
