import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { crc32, deflateSync } from "node:zlib";

import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsPlugin from "ajv-formats";
import { afterAll, describe, expect, inject, it } from "vitest";

/**
 * The contract test: drives every operation of the live `/v1/openapi.json` against the built
 * server (success and errors) and validates each answer against the schema the document gives for
 * its status. An operation without a scenario here fails, so new procedures and routes cannot slip
 * past the contract.
 */
const baseUrl = inject("baseUrl");

interface OperationDoc {
  operationId: string;
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: { "application/json"?: { schema: object } } }>;
}
interface Operation {
  method: string;
  path: string;
  doc: OperationDoc;
}

const document = (await (await fetch(`${baseUrl}/v1/openapi.json`)).json()) as {
  paths: Record<string, Record<string, OperationDoc>>;
};
const operations = new Map<string, Operation>(
  Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, doc]) => [doc.operationId, { method: method.toUpperCase(), path, doc }]),
  ),
);

const ajv = new Ajv2020({ allErrors: true, strict: false });
// ajv-formats is CommonJS: its default export arrives wrapped.
const addFormats = ((addFormatsPlugin as unknown as { default?: typeof addFormatsPlugin }).default ??
  addFormatsPlugin) as typeof addFormatsPlugin;
addFormats(ajv);
const validators = new Map<object, ValidateFunction>();
function validatorFor(schema: object): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) validators.set(schema, (validate = ajv.compile(schema)));
  return validate;
}

// ---- HTTP helpers -------------------------------------------------------------------------------

interface Session {
  cookie: string;
  user: { id: string; email: string };
}
type Credentials = Session | { bearer: string } | null;

/**
 * A new account, with its email verified by the link sign-up sends (read from the dev mailbox, as
 * its owner would), unless `verified: false`.
 */
async function signUp(label = "contract", options: { verified?: boolean; email?: string } = {}): Promise<Session> {
  const email = options.email ?? `${label}-${randomUUID().slice(0, 8)}@example.com`;
  const response = await fetch(`${baseUrl}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify({ name: `${label} user`, email, password: "correct-horse-battery" }),
  });
  expect(response.status).toBe(200);
  const cookie = response.headers
    .getSetCookie()
    .find((c) => c.startsWith("better-auth.session_token="))!
    .split(";")[0]!;
  const { user } = (await response.json()) as { user: Session["user"] };
  if (options.verified ?? true) {
    const mailbox = await (await fetch(`${baseUrl}/dev/mailbox?to=${encodeURIComponent(email)}`)).text();
    const link = /href="([^"]*\/api\/auth\/verify-email\?[^"]*)"/.exec(mailbox)?.[1];
    expect(link, `no verification email for ${email}`).toBeDefined();
    expect((await fetch(link!.replace(/&amp;/g, "&"), { redirect: "manual" })).status).toBe(302);
  }
  return { cookie, user };
}

interface Call {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  as: Credentials;
}

interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, validated against the document
  body: any;
}

const coverage = new Map<string, { success: number; error: number }>();

/** Calls an operation of the document and checks the answer against the document; returns it. */
async function call(operationId: string, request: Call): Promise<Answer> {
  const operation = operations.get(operationId);
  if (!operation) throw new Error(`No operation ${operationId} in the document`);
  let path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = request.params?.[name];
    if (value === undefined) throw new Error(`${operationId}: missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
  if (request.query) path += `?${new URLSearchParams(request.query)}`;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (request.as && "cookie" in request.as) headers.cookie = request.as.cookie;
  if (request.as && "bearer" in request.as) headers.authorization = `Bearer ${request.as.bearer}`;
  const body =
    operation.method === "GET"
      ? undefined
      : (request.rawBody ?? (request.body === undefined ? undefined : JSON.stringify(request.body)));
  const response = await fetch(`${baseUrl}${path}`, { method: operation.method, headers, body });
  const text = await response.text();
  const answer: Answer = { status: response.status, body: text ? JSON.parse(text) : null };

  const documented = operation.doc.responses[String(answer.status)];
  expect(documented, `${operationId} answered ${answer.status}, which it does not document: ${text}`).toBeDefined();
  const schema = documented!.content?.["application/json"]?.schema;
  expect(schema, `${operationId} ${answer.status} has no JSON schema`).toBeDefined();
  const validate = validatorFor(schema!);
  expect(validate(answer.body), `${operationId} ${answer.status}: ${ajv.errorsText(validate.errors)}\n${text}`).toBe(
    true,
  );
  const counts = coverage.get(operationId) ?? { success: 0, error: 0 };
  if (answer.status < 300) counts.success++;
  else counts.error++;
  coverage.set(operationId, counts);
  return answer;
}

async function ok(operationId: string, request: Call, status = 200): Promise<Answer["body"]> {
  const answer = await call(operationId, request);
  expect(answer.status, `${operationId}: ${JSON.stringify(answer.body)}`).toBe(status);
  return answer.body;
}

async function fails(operationId: string, request: Call, status: number, code: string): Promise<void> {
  const answer = await call(operationId, request);
  expect(answer.status, `${operationId}: ${JSON.stringify(answer.body)}`).toBe(status);
  expect(answer.body.error.code).toBe(code);
}

// ---- Fixtures -----------------------------------------------------------------------------------

interface Org {
  id: string;
  handle: string;
}

async function newOrg(owner: Session, label = "contract"): Promise<Org> {
  const body = await ok("organizations.create", { as: owner, body: { name: `${label} ${randomUUID().slice(0, 6)}` } });
  return body.organization as Org;
}

async function addMember(owner: Session, org: Org, member: Session, role = "member"): Promise<void> {
  await ok("organizations.members.add", {
    as: owner,
    body: { organizationId: org.id, email: member.user.email, role },
  });
}

async function invite(owner: Session, org: Org, email: string) {
  return ok("organizations.invitations.create", { as: owner, body: { organizationId: org.id, email } }) as Promise<{
    invitation: { id: string };
    token: string;
  }>;
}

async function mintToken(owner: Session, org: Org): Promise<string> {
  const body = await ok("organizations.tokens.create", { as: owner, body: { organizationId: org.id } });
  return body.apiToken.bearer as string;
}

/** A tiny real PNG (solid colour). */
function pngImage(side: number): string {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(side * 3, 0x80)]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: side }, () => row)));
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk("IHDR", header),
    chunk("IDAT", pixels),
    chunk("IEND", Buffer.alloc(0)),
  ]).toString("base64");
}

/** Publishes TXT records on the test DNS server (global-setup.ts). */
function publishTxt(name: string, values: string[]): void {
  const file = inject("dnsRecords");
  const records = JSON.parse(readFileSync(file, "utf8")) as Record<string, string[]>;
  writeFileSync(file, JSON.stringify({ ...records, [name]: values }));
}

/** Verifies an email address by following the link of its verification email, read from the dev mailbox. */
async function verifyEmail(email: string): Promise<void> {
  let link: string | undefined;
  for (let attempt = 0; attempt < 50 && !link; attempt++) {
    const html = await (await fetch(`${baseUrl}/dev/mailbox?to=${encodeURIComponent(email)}`)).text();
    link = /href="(https?:\/\/[^"]*\/api\/auth\/verify-email[^"]*)"/.exec(html)?.[1]?.replace(/&amp;/g, "&");
    if (!link) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(link, `no verification email for ${email}`).toBeDefined();
  const response = await fetch(`${baseUrl}${new URL(link!).pathname}${new URL(link!).search}`, { redirect: "manual" });
  expect(response.status).toBeLessThan(400);
}

/** An organization of `owner` with `domain` verified through DNS; returns the claim's id. */
async function verifiedDomain(mine: Org, domain: string): Promise<string> {
  const added = await ok("organizations.domains.add", { as: owner, body: { organizationId: mine.id, domain } });
  publishTxt(added.domain.txtRecord.name, [added.domain.txtRecord.value]);
  const verified = await ok("organizations.domains.verify", {
    as: owner,
    body: { organizationId: mine.id, id: added.domain.id },
  });
  expect(verified.domain.status).toBe("verified");
  return added.domain.id as string;
}

const owner = await signUp("owner");
const org = await newOrg(owner);
const member = await signUp("member");
await addMember(owner, org, member);
const outsider = await signUp("outsider");
const operator = await signUp("operator", { email: inject("operatorEmail") });

let planCounter = 0;
async function newPlan(limits: { seats?: number | null; deployments?: number | null } = {}): Promise<string> {
  const key = `contract-${++planCounter}-${randomUUID().slice(0, 4)}`;
  await ok("plans.create", {
    as: operator,
    body: { key, name: `Contract ${planCounter}`, seats: limits.seats ?? 10, deployments: limits.deployments ?? 2 },
  });
  return key;
}

async function issueLicense(limits: { seats?: number | null; deployments?: number | null } = {}) {
  const body = await ok("licenses.create", {
    as: operator,
    body: { planKey: await newPlan(limits), customer: "Contract Co" },
  });
  return body as { license: { id: string }; key: string };
}

async function licensedOrg(limits: { seats?: number | null; deployments?: number | null } = {}) {
  const mine = await newOrg(owner, "licensed");
  const issued = await issueLicense(limits);
  await ok("organizations.license.assign", {
    as: operator,
    body: { organizationId: mine.id, licenseId: issued.license.id },
  });
  return { org: mine, ...issued };
}

// The operator (TENANCY_OPERATOR_EMAILS) is made an owner of the default instance once verified.
const defaultInstance = (
  (await ok("instances.list", { as: operator })).instances as { id: string; isDefault: boolean }[]
).find((i) => i.isDefault)!;
const instanceId = defaultInstance.id;

async function mintInstanceToken(scopes: string[]): Promise<{ id: string; bearer: string }> {
  const body = await ok("instanceTokens.create", { as: operator, body: { instanceId, scopes } });
  return body.instanceToken;
}

async function mintUserToken(as: Session): Promise<{ id: string; bearer: string }> {
  const body = await ok("userTokens.create", { as, body: { name: "contract script" } });
  return body.userToken;
}

async function instanceMember(role: string): Promise<Session> {
  const someone = await signUp(`instance-${role}`);
  await ok("instanceMembers.add", { as: operator, body: { instanceId, email: someone.user.email, role } });
  return someone;
}

/** Operations nothing a client sends can make fail (public, no input): their only error would be a 500. */
const CANNOT_FAIL: Record<string, string> = {
  getLicensePublicKey: "GET without input, no authentication: only a server failure could answer an error",
};

// ---- One scenario per operation: its success, and its own errors ---------------------------------

type Scenario = () => Promise<void>;

const scenarios: Record<string, Scenario> = {
  "organizations.create": async () => {
    await ok("organizations.create", { as: owner, body: { name: "Created", description: null } });
    await fails("organizations.create", { as: owner, body: { name: "" } }, 400, "invalid_input");
    await fails("organizations.create", { as: owner, body: { name: "X", handle: "members" } }, 400, "handle_reserved");
  },
  "organizations.get": async () => {
    await ok("organizations.get", { as: owner, body: { organizationId: org.handle } });
    await ok("organizations.get", { as: { bearer: await mintToken(owner, org) }, body: { organizationId: org.id } });
    await fails("organizations.get", { as: outsider, body: { organizationId: org.id } }, 404, "organization_not_found");
  },
  "organizations.list": async () => {
    await ok("organizations.list", { as: owner, body: { activeOnly: true } });
    await ok("organizations.list", { as: owner });
  },
  "organizations.update": async () => {
    const mine = await newOrg(owner);
    await ok("organizations.update", { as: owner, body: { organizationId: mine.id, description: null, name: null } });
    await fails(
      "organizations.update",
      { as: owner, body: { organizationId: mine.id, handle: org.handle } },
      409,
      "handle_taken",
    );
    await fails(
      "organizations.update",
      { as: member, body: { organizationId: org.id, name: "No" } },
      403,
      "permission_denied",
    );
  },
  "organizations.delete": async () => {
    const doomed = await newOrg(owner);
    await fails("organizations.delete", { as: member, body: { organizationId: org.id } }, 403, "permission_denied");
    await ok("organizations.delete", { as: owner, body: { organizationId: doomed.id } });
  },
  "organizations.roles": async () => {
    await ok("organizations.roles", { as: null });
    await fails("organizations.roles", { as: null, rawBody: "{" }, 400, "invalid_json");
  },
  "organizations.handleAvailability": async () => {
    await ok("organizations.handleAvailability", { as: owner, body: { handle: "members" } });
    await fails(
      "organizations.handleAvailability",
      { as: { bearer: await mintToken(owner, org) }, body: { handle: "x" } },
      403,
      "user_required",
    );
  },
  "organizations.members.list": async () => {
    await ok("organizations.members.list", { as: member, body: { organizationId: org.id, limit: 1 } });
    await fails(
      "organizations.members.list",
      { as: owner, body: { organizationId: org.id, cursor: "nope" } },
      400,
      "invalid_input",
    );
  },
  "organizations.members.add": async () => {
    const mine = await newOrg(owner);
    const someone = await signUp();
    await ok("organizations.members.add", { as: owner, body: { organizationId: mine.id, email: someone.user.email } });
    await fails(
      "organizations.members.add",
      { as: owner, body: { organizationId: mine.id, email: someone.user.email } },
      409,
      "already_member",
    );
    await fails(
      "organizations.members.add",
      { as: owner, body: { organizationId: mine.id, email: "nobody@example.com" } },
      404,
      "user_not_found",
    );
    const unverified = await signUp("unverified", { verified: false });
    await fails(
      "organizations.members.add",
      { as: owner, body: { organizationId: mine.id, email: unverified.user.email } },
      403,
      "email_unverified",
    );
  },
  "organizations.members.remove": async () => {
    const mine = await newOrg(owner);
    const someone = await signUp();
    await addMember(owner, mine, someone);
    await ok("organizations.members.remove", { as: owner, body: { organizationId: mine.id, userId: someone.user.id } });
    await fails(
      "organizations.members.remove",
      { as: owner, body: { organizationId: mine.id, userId: owner.user.id } },
      409,
      "last_owner",
    );
  },
  "organizations.members.setRole": async () => {
    await ok("organizations.members.setRole", {
      as: owner,
      body: { organizationId: org.id, userId: member.user.id, role: "member" },
    });
    await fails(
      "organizations.members.setRole",
      { as: owner, body: { organizationId: org.id, userId: "nobody", role: "admin" } },
      404,
      "member_not_found",
    );
  },
  "organizations.members.leave": async () => {
    const mine = await newOrg(owner);
    const someone = await signUp();
    await addMember(owner, mine, someone);
    await ok("organizations.members.leave", { as: someone, body: { organizationId: mine.id } });
    await fails("organizations.members.leave", { as: owner, body: { organizationId: mine.id } }, 409, "last_owner");
  },
  "organizations.memberships.get": async () => {
    await ok("organizations.memberships.get", {
      as: member,
      body: { userId: member.user.id, organizationId: org.handle },
    });
    await fails(
      "organizations.memberships.get",
      { as: owner, body: { membershipId: "nope" } },
      404,
      "membership_not_found",
    );
  },
  "organizations.memberships.listByUser": async () => {
    await ok("organizations.memberships.listByUser", { as: member });
  },
  "organizations.invitations.create": async () => {
    await ok("organizations.invitations.create", {
      as: owner,
      body: { organizationId: org.id, email: `new-${randomUUID().slice(0, 6)}@example.com`, role: "admin" },
    });
    await fails(
      "organizations.invitations.create",
      { as: owner, body: { organizationId: org.id, email: member.user.email } },
      409,
      "already_member",
    );
    await fails(
      "organizations.invitations.create",
      { as: owner, body: { organizationId: org.id, email: "not an email" } },
      400,
      "invalid_input",
    );
  },
  "organizations.invitations.resend": async () => {
    const { invitation } = await invite(owner, org, `resend-${randomUUID().slice(0, 6)}@example.com`);
    await ok("organizations.invitations.resend", { as: owner, body: { organizationId: org.id, id: invitation.id } });
    await fails(
      "organizations.invitations.resend",
      { as: owner, body: { organizationId: org.id, id: "nope" } },
      404,
      "invitation_not_found",
    );
  },
  "organizations.invitations.list": async () => {
    await ok("organizations.invitations.list", {
      as: owner,
      body: { organizationId: org.id, sortField: "email", limit: 2 },
    });
    await fails(
      "organizations.invitations.list",
      { as: member, body: { organizationId: org.id } },
      403,
      "permission_denied",
    );
  },
  "organizations.invitations.revoke": async () => {
    const { invitation } = await invite(owner, org, `revoke-${randomUUID().slice(0, 6)}@example.com`);
    await ok("organizations.invitations.revoke", { as: owner, body: { organizationId: org.id, id: invitation.id } });
    await fails(
      "organizations.invitations.revoke",
      { as: owner, body: { organizationId: org.id, id: "nope" } },
      404,
      "invitation_not_found",
    );
  },
  "organizations.invitations.preview": async () => {
    const { token } = await invite(owner, org, `preview-${randomUUID().slice(0, 6)}@example.com`);
    await ok("organizations.invitations.preview", { as: null, body: { token } });
    await fails(
      "organizations.invitations.preview",
      { as: null, body: { token: "x".repeat(43) } },
      404,
      "invitation_not_found",
    );
  },
  "organizations.invitations.mine": async () => {
    const invitee = await signUp("invitee");
    await invite(owner, org, invitee.user.email);
    const body = await ok("organizations.invitations.mine", { as: invitee });
    expect(body.invitations).toHaveLength(1);
    const unverified = await signUp("unverified", { verified: false });
    await fails("organizations.invitations.mine", { as: unverified }, 403, "email_unverified");
  },
  "organizations.invitations.accept": async () => {
    const invitee = await signUp("invitee");
    const { token } = await invite(owner, org, invitee.user.email);
    await fails("organizations.invitations.accept", { as: await signUp("wrong") }, 400, "invalid_input");
    await fails(
      "organizations.invitations.accept",
      { as: await signUp("wrong"), body: { token } },
      403,
      "email_mismatch",
    );
    await ok("organizations.invitations.accept", { as: invitee, body: { token } });
    await fails("organizations.invitations.accept", { as: invitee, body: { token } }, 409, "invitation_used");
  },
  "organizations.invitations.decline": async () => {
    const invitee = await signUp("invitee");
    const { invitation } = await invite(owner, org, invitee.user.email);
    await ok("organizations.invitations.decline", { as: invitee, body: { invitationId: invitation.id } });
    await fails(
      "organizations.invitations.decline",
      { as: invitee, body: { invitationId: invitation.id } },
      409,
      "invitation_declined",
    );
  },
  "organizations.joinCodes.create": async () => {
    await ok("organizations.joinCodes.create", {
      as: owner,
      body: { organizationId: org.id, maxUses: 3, expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
    });
    await fails(
      "organizations.joinCodes.create",
      { as: owner, body: { organizationId: org.id, maxUses: 0 } },
      400,
      "invalid_input",
    );
    await fails(
      "organizations.joinCodes.create",
      { as: member, body: { organizationId: org.id } },
      403,
      "permission_denied",
    );
  },
  "organizations.joinCodes.list": async () => {
    await ok("organizations.joinCodes.list", { as: owner, body: { organizationId: org.id } });
  },
  "organizations.joinCodes.revoke": async () => {
    const { joinCode } = await ok("organizations.joinCodes.create", { as: owner, body: { organizationId: org.id } });
    await ok("organizations.joinCodes.revoke", { as: owner, body: { organizationId: org.id, id: joinCode.id } });
    await fails(
      "organizations.joinCodes.revoke",
      { as: owner, body: { organizationId: org.id, id: "nope" } },
      404,
      "join_code_not_found",
    );
  },
  "organizations.joinCodes.join": async () => {
    const { code } = await ok("organizations.joinCodes.create", { as: owner, body: { organizationId: org.id } });
    const joiner = await signUp("joiner");
    await fails(
      "organizations.joinCodes.join",
      { as: joiner, body: { code: "ZZZZZ-ZZZZZ" } },
      404,
      "join_code_not_found",
    );
    await ok("organizations.joinCodes.join", { as: joiner, body: { code } });
  },
  "organizations.customRoles.list": async () => {
    const body = await ok("organizations.customRoles.list", { as: member, body: { organizationId: org.id } });
    expect(body.roles[0]).toMatchObject({ key: "owner", builtIn: true });
    await fails(
      "organizations.customRoles.list",
      { as: outsider, body: { organizationId: org.id } },
      404,
      "organization_not_found",
    );
  },
  "organizations.customRoles.create": async () => {
    const mine = await newOrg(owner, "roles");
    await ok("organizations.customRoles.create", {
      as: owner,
      body: { organizationId: mine.id, key: "support", name: "Support", permissions: ["members:view", "audit:view"] },
    });
    await fails(
      "organizations.customRoles.create",
      { as: owner, body: { organizationId: mine.id, key: "support", name: "Again", permissions: [] } },
      409,
      "role_key_taken",
    );
    await fails(
      "organizations.customRoles.create",
      { as: owner, body: { organizationId: mine.id, key: "admin", name: "Admin", permissions: [] } },
      400,
      "invalid_input",
    );
    await fails(
      "organizations.customRoles.create",
      { as: member, body: { organizationId: org.id, key: "x-role", name: "X", permissions: [] } },
      403,
      "permission_denied",
    );
  },
  "organizations.customRoles.update": async () => {
    const mine = await newOrg(owner, "roles");
    await ok("organizations.customRoles.create", {
      as: owner,
      body: { organizationId: mine.id, key: "billing", name: "Billing", permissions: ["license:manage"] },
    });
    await ok("organizations.customRoles.update", {
      as: owner,
      body: { organizationId: mine.id, key: "billing", description: "Pays", permissions: ["license:view"] },
    });
    await fails(
      "organizations.customRoles.update",
      { as: owner, body: { organizationId: mine.id, key: "ghost", name: "Ghost" } },
      404,
      "role_not_found",
    );
    const admin = await signUp("admin");
    await addMember(owner, mine, admin, "admin");
    await fails(
      "organizations.customRoles.update",
      { as: admin, body: { organizationId: mine.id, key: "billing", permissions: ["org:delete"] } },
      403,
      "permission_escalation",
    );
  },
  "organizations.customRoles.delete": async () => {
    const mine = await newOrg(owner, "roles");
    await ok("organizations.customRoles.create", {
      as: owner,
      body: { organizationId: mine.id, key: "support", name: "Support", permissions: ["members:view"] },
    });
    await addMember(owner, mine, await signUp("holder"), "support");
    await fails(
      "organizations.customRoles.delete",
      { as: owner, body: { organizationId: mine.id, key: "support" } },
      409,
      "role_in_use",
    );
    const body = await ok("organizations.customRoles.delete", {
      as: owner,
      body: { organizationId: mine.id, key: "support", reassignTo: "member" },
    });
    expect(body.reassigned).toEqual({ members: 1, pendingInvitations: 0, activeJoinCodes: 0, domains: 0 });
    await fails(
      "organizations.customRoles.delete",
      { as: owner, body: { organizationId: mine.id, key: "support" } },
      404,
      "role_not_found",
    );
  },
  "organizations.tokens.create": async () => {
    await ok("organizations.tokens.create", { as: owner, body: { organizationId: org.id, name: "ci", env: "test" } });
    await fails(
      "organizations.tokens.create",
      { as: { bearer: await mintToken(owner, org) }, body: { organizationId: org.id } },
      403,
      "permission_denied",
    );
    await fails(
      "organizations.tokens.create",
      { as: { bearer: "tnc_live_x:nope" }, body: { organizationId: org.id } },
      401,
      "invalid_api_token",
    );
  },
  "organizations.tokens.list": async () => {
    await ok("organizations.tokens.list", { as: owner, body: { organizationId: org.id } });
  },
  "organizations.tokens.revoke": async () => {
    const bearer = await mintToken(owner, org);
    const { apiTokens } = await ok("organizations.tokens.list", { as: owner, body: { organizationId: org.id } });
    const id = apiTokens.find((t: { key: string }) => bearer.startsWith(`${t.key}:`)).id as string;
    await ok("organizations.tokens.revoke", { as: owner, body: { organizationId: org.id, id } });
    await fails(
      "organizations.tokens.revoke",
      { as: owner, body: { organizationId: org.id, id: "nope" } },
      404,
      "api_token_not_found",
    );
  },
  "organizations.audit.list": async () => {
    await ok("organizations.audit.list", { as: owner, body: { organizationId: org.id, limit: 5 } });
    await fails("organizations.audit.list", { as: member, body: { organizationId: org.id } }, 403, "permission_denied");
  },

  "organizations.logo.set": async () => {
    const mine = await newOrg(owner);
    const body = await ok("organizations.logo.set", {
      as: owner,
      body: { organizationId: mine.id, image: pngImage(24), contentType: "image/png" },
    });
    expect(body.logo).toMatchObject({ contentType: "image/png", width: 24, height: 24 });
    await fails(
      "organizations.logo.set",
      { as: owner, body: { organizationId: mine.id, image: Buffer.from("<svg/>").toString("base64") } },
      400,
      "image_invalid",
    );
    await fails(
      "organizations.logo.set",
      { as: member, body: { organizationId: org.id, image: pngImage(24) } },
      403,
      "permission_denied",
    );
  },
  "organizations.logo.remove": async () => {
    const mine = await newOrg(owner);
    await ok("organizations.logo.set", { as: owner, body: { organizationId: mine.id, image: pngImage(16) } });
    await ok("organizations.logo.remove", { as: owner, body: { organizationId: mine.id } });
    await fails(
      "organizations.logo.remove",
      { as: member, body: { organizationId: org.id } },
      403,
      "permission_denied",
    );
  },
  "organizations.domains.list": async () => {
    await ok("organizations.domains.list", { as: owner, body: { organizationId: org.id } });
    await fails(
      "organizations.domains.list",
      { as: member, body: { organizationId: org.id } },
      403,
      "permission_denied",
    );
  },
  "organizations.domains.add": async () => {
    const mine = await newOrg(owner);
    await ok("organizations.domains.add", { as: owner, body: { organizationId: mine.id, domain: "Add.Example.Com" } });
    await fails(
      "organizations.domains.add",
      { as: owner, body: { organizationId: mine.id, domain: "add.example.com" } },
      409,
      "domain_already_added",
    );
    await fails(
      "organizations.domains.add",
      { as: owner, body: { organizationId: mine.id, domain: "https://x.example/" } },
      400,
      "domain_invalid",
    );
  },
  "organizations.domains.verify": async () => {
    const mine = await newOrg(owner);
    const { domain } = await ok("organizations.domains.add", {
      as: owner,
      body: { organizationId: mine.id, domain: `v-${randomUUID().slice(0, 8)}.example` },
    });
    const pending = await ok("organizations.domains.verify", {
      as: owner,
      body: { organizationId: mine.id, id: domain.id },
    });
    expect(pending.domain).toMatchObject({
      status: "pending",
      lastCheckError: expect.stringContaining("No TXT record"),
    });
    publishTxt(domain.txtRecord.name, [domain.txtRecord.value]);
    const verified = await ok("organizations.domains.verify", {
      as: owner,
      body: { organizationId: mine.id, id: domain.id },
    });
    expect(verified.domain.status).toBe("verified");
    await fails(
      "organizations.domains.verify",
      { as: owner, body: { organizationId: mine.id, id: "nope" } },
      404,
      "domain_not_found",
    );
  },
  "organizations.domains.update": async () => {
    const mine = await newOrg(owner);
    const { domain } = await ok("organizations.domains.add", {
      as: owner,
      body: { organizationId: mine.id, domain: `u-${randomUUID().slice(0, 8)}.example` },
    });
    await fails(
      "organizations.domains.update",
      { as: owner, body: { organizationId: mine.id, id: domain.id, policy: "suggest" } },
      409,
      "domain_not_verified",
    );
    await ok("organizations.domains.update", {
      as: owner,
      body: { organizationId: mine.id, id: domain.id, policy: "none", joinRole: "viewer" },
    });
  },
  "organizations.domains.remove": async () => {
    const mine = await newOrg(owner);
    const { domain } = await ok("organizations.domains.add", {
      as: owner,
      body: { organizationId: mine.id, domain: "remove.example" },
    });
    await ok("organizations.domains.remove", { as: owner, body: { organizationId: mine.id, id: domain.id } });
    await fails(
      "organizations.domains.remove",
      { as: owner, body: { organizationId: mine.id, id: domain.id } },
      404,
      "domain_not_found",
    );
  },
  "organizations.domains.suggested": async () => {
    const unverified = await signUp("unverified", { verified: false });
    expect(await ok("organizations.domains.suggested", { as: unverified })).toEqual({
      emailVerified: false,
      suggestions: [],
    });
    expect(await ok("organizations.domains.suggested", { as: member })).toEqual({
      emailVerified: true,
      suggestions: [],
    });
  },
  "organizations.domains.join": async () => {
    const mine = await newOrg(owner);
    const domain = `j-${randomUUID().slice(0, 8)}.example`;
    const id = await verifiedDomain(mine, domain);
    await ok("organizations.domains.update", {
      as: owner,
      body: { organizationId: mine.id, id, policy: "suggest", joinRole: "member" },
    });
    const person = await signUp("person", { verified: false });
    await fails(
      "organizations.domains.join",
      { as: person, body: { organizationId: mine.id } },
      403,
      "email_unverified",
    );
    // The same person with an address at the domain: ask Better Auth for a fresh account there.
    const email = `someone-${randomUUID().slice(0, 6)}@${domain}`;
    const response = await fetch(`${baseUrl}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: baseUrl },
      body: JSON.stringify({ name: "Someone", email, password: "correct-horse-battery" }),
    });
    const cookie = response.headers
      .getSetCookie()
      .find((c) => c.startsWith("better-auth.session_token="))!
      .split(";")[0]!;
    await verifyEmail(email);
    const atDomain: Session = { cookie, user: { id: "", email } };
    const suggested = await ok("organizations.domains.suggested", { as: atDomain });
    expect(suggested.suggestions.map((s: { organization: Org }) => s.organization.id)).toEqual([mine.id]);
    const joined = await ok("organizations.domains.join", { as: atDomain, body: { organizationId: mine.handle } });
    expect(joined).toMatchObject({ role: "member", alreadyMember: false });
    await fails(
      "organizations.domains.join",
      { as: atDomain, body: { organizationId: org.id } },
      404,
      "organization_not_found",
    );
  },
  // Licensing.
  "plans.list": async () => {
    const body = await ok("plans.list", { as: member });
    expect(body.plans[0]).toMatchObject({ key: "free", builtIn: true });
    await ok("plans.list", { as: operator, body: { includeArchived: true } });
    await fails("plans.list", { as: member, body: { includeArchived: "yes" } }, 400, "invalid_input");
  },
  "plans.create": async () => {
    const key = await newPlan();
    await fails(
      "plans.create",
      { as: operator, body: { key, name: "Again", seats: 1, deployments: 1 } },
      409,
      "plan_key_taken",
    );
    await fails(
      "plans.create",
      { as: owner, body: { key: "x", name: "X", seats: 1, deployments: 1 } },
      403,
      "operator_required",
    );
  },
  "plans.update": async () => {
    const key = await newPlan();
    await ok("plans.update", { as: operator, body: { key, seats: null, features: ["sso"], archived: true } });
    await fails("plans.update", { as: operator, body: { key: "no-such-plan", seats: 1 } }, 404, "plan_not_found");
  },
  "licenses.create": async () => {
    const planKey = await newPlan();
    const body = await ok("licenses.create", {
      as: operator,
      body: { planKey, customer: "Acme", seats: 3, expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
    });
    expect(body.key).toMatch(/^tnc_lic1\./);
    await fails(
      "licenses.create",
      { as: operator, body: { planKey: "no-such-plan", customer: "Acme" } },
      404,
      "plan_not_found",
    );
    await fails("licenses.create", { as: member, body: { planKey, customer: "Acme" } }, 403, "operator_required");
  },
  "licenses.list": async () => {
    await issueLicense();
    const body = await ok("licenses.list", { as: operator, body: { status: "active", limit: 5 } });
    expect(body.licenses.length).toBeGreaterThan(0);
    await ok("licenses.list", { as: operator });
    await fails("licenses.list", { as: operator, body: { cursor: "nope" } }, 400, "invalid_input");
  },
  "licenses.get": async () => {
    const { license, key } = await issueLicense();
    const body = await ok("licenses.get", { as: operator, body: { id: license.id } });
    expect(body.key).toBe(key);
    await fails("licenses.get", { as: operator, body: { id: "nope" } }, 404, "license_not_found");
  },
  "licenses.revoke": async () => {
    const { license } = await issueLicense();
    await ok("licenses.revoke", { as: operator, body: { id: license.id } });
    await fails("licenses.revoke", { as: operator, body: { id: "nope" } }, 404, "license_not_found");
  },
  "licenses.publicKey": async () => {
    const body = await ok("licenses.publicKey", { as: null });
    expect(body.publicKeyPem).toMatch(/BEGIN PUBLIC KEY/);
  },
  "operators.me": async () => {
    expect(await ok("operators.me", { as: operator })).toEqual({ operator: true });
    expect(await ok("operators.me", { as: member })).toEqual({ operator: false });
  },
  "organizations.license.get": async () => {
    const { org: mine } = await licensedOrg();
    const body = await ok("organizations.license.get", { as: owner, body: { organizationId: mine.handle } });
    expect(body.license.key).toMatch(/^tnc_lic1\./);
    await ok("organizations.license.get", { as: member, body: { organizationId: org.id } });
    await fails(
      "organizations.license.get",
      { as: outsider, body: { organizationId: mine.id } },
      404,
      "organization_not_found",
    );
  },
  "organizations.license.assign": async () => {
    const mine = await newOrg(owner, "redeem");
    const { key } = await issueLicense({ seats: 5 });
    const body = await ok("organizations.license.assign", {
      as: owner,
      body: { organizationId: mine.id, licenseKey: key },
    });
    expect(body.seats.limit).toBe(5);
    const other = await newOrg(owner, "other");
    await fails(
      "organizations.license.assign",
      { as: owner, body: { organizationId: other.id, licenseKey: key } },
      409,
      "license_in_use",
    );
    await fails(
      "organizations.license.assign",
      { as: owner, body: { organizationId: other.id, licenseKey: "tnc_lic1.forged.key" } },
      400,
      "license_key_invalid",
    );
    await fails(
      "organizations.license.assign",
      { as: owner, body: { organizationId: other.id, licenseId: "0193a1b2-0000-7000-8000-000000000001" } },
      403,
      "operator_required",
    );
  },
  "organizations.license.unassign": async () => {
    const { org: mine } = await licensedOrg();
    const body = await ok("organizations.license.unassign", { as: owner, body: { organizationId: mine.id } });
    expect(body.license).toBeNull();
    await ok("organizations.license.unassign", { as: operator, body: { organizationId: mine.id } });
    await fails(
      "organizations.license.unassign",
      { as: member, body: { organizationId: org.id } },
      403,
      "permission_denied",
    );
  },
  "organizations.deployments.list": async () => {
    const { org: mine, key } = await licensedOrg();
    await ok("deployments.activate", { as: null, body: { licenseKey: key, name: "eu-1", fingerprint: "list-1" } });
    const body = await ok("organizations.deployments.list", { as: owner, body: { organizationId: mine.id } });
    expect(body.deployments).toHaveLength(1);
    await fails(
      "organizations.deployments.list",
      { as: outsider, body: { organizationId: mine.id } },
      404,
      "organization_not_found",
    );
  },
  "organizations.deployments.deactivate": async () => {
    const { org: mine, key } = await licensedOrg();
    const { deployment } = await ok("deployments.activate", {
      as: null,
      body: { licenseKey: key, name: "eu-1", fingerprint: "deactivate-1" },
    });
    await ok("organizations.deployments.deactivate", {
      as: owner,
      body: { organizationId: mine.id, id: deployment.id },
    });
    await fails(
      "organizations.deployments.deactivate",
      { as: owner, body: { organizationId: mine.id, id: "nope" } },
      404,
      "deployment_not_found",
    );
  },
  "deployments.activate": async () => {
    const { key } = await licensedOrg({ deployments: 1 });
    const body = await ok("deployments.activate", {
      as: null,
      body: { licenseKey: key, name: "eu-1", fingerprint: "a", version: "1.0", url: "https://eu-1.example.com" },
    });
    expect(body.token).toMatch(/^tnc_dep_/);
    await fails(
      "deployments.activate",
      { as: null, body: { licenseKey: key, name: "eu-2", fingerprint: "b" } },
      402,
      "deployment_limit_reached",
    );
    await fails(
      "deployments.activate",
      { as: null, body: { licenseKey: "tnc_lic1.x.y", name: "n", fingerprint: "c" } },
      400,
      "license_key_invalid",
    );
  },
  "deployments.heartbeat": async () => {
    const { key } = await licensedOrg();
    const { token } = await ok("deployments.activate", {
      as: null,
      body: { licenseKey: key, name: "n", fingerprint: "hb" },
    });
    const body = await ok("deployments.heartbeat", { as: null, body: { token, version: "1.1" } });
    expect(body.deployment.version).toBe("1.1");
    await fails(
      "deployments.heartbeat",
      { as: null, body: { token: "tnc_dep_nope" } },
      401,
      "deployment_token_invalid",
    );
  },

  // The operator's level: instances, their organizations, members, tokens; personal access tokens.
  "instances.list": async () => {
    expect(defaultInstance).toBeDefined();
    const body = await ok("instances.list", {
      as: { bearer: (await mintInstanceToken(["all.Instance.read"])).bearer },
    });
    expect(body.instances).toEqual([expect.objectContaining({ id: instanceId, role: "token" })]);
    await fails(
      "instances.list",
      { as: { bearer: (await mintInstanceToken(["instanceOrgs.*"])).bearer } },
      403,
      "insufficient_scope",
    );
  },
  "instances.get": async () => {
    const body = await ok("instances.get", { as: operator, body: { instanceId } });
    expect(body.role).toBe("owner");
    await fails("instances.get", { as: owner, body: { instanceId } }, 404, "instance_not_found");
  },
  "instances.audit": async () => {
    await mintInstanceToken(["all.Instance.read"]);
    const body = await ok("instances.audit", { as: operator, body: { instanceId, limit: 1 } });
    expect(body.events[0].action).toBe("instance_token.created");
    await fails("instances.audit", { as: operator, body: { instanceId, cursor: "nope" } }, 400, "invalid_input");
  },
  "instances.create": async () => {
    await ok("instances.create", { as: operator, body: { name: "Region EU" } });
    await fails("instances.create", { as: owner, body: { name: "Mine" } }, 403, "permission_denied");
    await fails("instances.create", { as: operator, body: { name: "" } }, 400, "invalid_input");
  },
  "instanceOrgs.list": async () => {
    const body = await ok("instanceOrgs.list", { as: operator, body: { instanceId, search: org.handle } });
    expect(body.organizations.map((o: Org) => o.id)).toEqual([org.id]);
    await fails("instanceOrgs.list", { as: operator, body: { instanceId, status: "sleeping" } }, 400, "invalid_input");
  },
  "instanceOrgs.get": async () => {
    await ok("instanceOrgs.get", { as: operator, body: { instanceId, orgId: org.handle } });
    await fails(
      "instanceOrgs.get",
      { as: operator, body: { instanceId, orgId: "nope" } },
      404,
      "organization_not_found",
    );
  },
  "instanceOrgs.create": async () => {
    const body = await ok("instanceOrgs.create", {
      as: operator,
      body: { instanceId, name: "For a customer", ownerEmail: outsider.user.email },
    });
    expect(body.owner.userId).toBe(outsider.user.id);
    await fails(
      "instanceOrgs.create",
      { as: operator, body: { instanceId, name: "Taken", handle: org.handle, ownerEmail: outsider.user.email } },
      409,
      "handle_taken",
    );
    const viewer = await instanceMember("viewer");
    await fails(
      "instanceOrgs.create",
      { as: viewer, body: { instanceId, name: "No", ownerEmail: viewer.user.email } },
      403,
      "permission_denied",
    );
  },
  "instanceOrgs.setActive": async () => {
    const mine = await newOrg(owner, "deactivated");
    const body = await ok("instanceOrgs.setActive", {
      as: operator,
      body: { instanceId, orgId: mine.id, active: false },
    });
    expect(body.organization.active).toBe(false);
    await fails(
      "instanceOrgs.setActive",
      { as: operator, body: { instanceId, orgId: "nope", active: true } },
      404,
      "organization_not_found",
    );
  },
  "instanceOrgInvites.get": async () => {
    await invite(owner, org, `rpc-${randomUUID().slice(0, 6)}@example.com`);
    const body = await ok("instanceOrgInvites.get", {
      as: operator,
      body: { instanceId, orgId: org.id, sortField: "email", sortDirection: "asc", filterField: "", filter: "" },
    });
    expect(body.length).toBeGreaterThan(0);
    await fails(
      "instanceOrgInvites.get",
      { as: operator, body: { instanceId, orgId: org.id, sortField: "name" } },
      400,
      "invalid_input",
    );
  },
  "instanceOrgInvites.post": async () => {
    const body = await ok("instanceOrgInvites.post", {
      as: operator,
      body: { instanceId, orgId: org.id, invite: { email: `post-${randomUUID().slice(0, 6)}@example.com` } },
    });
    expect(body).toMatchObject({ role: "member", hasExpired: false });
    await fails(
      "instanceOrgInvites.post",
      { as: operator, body: { instanceId, orgId: org.id, invite: { email: member.user.email } } },
      409,
      "already_member",
    );
  },
  "instanceMembers.list": async () => {
    const body = await ok("instanceMembers.list", { as: operator, body: { instanceId } });
    expect(body.members.map((m: { email: string }) => m.email)).toContain(operator.user.email);
    await fails("instanceMembers.list", { as: member, body: { instanceId } }, 404, "instance_not_found");
  },
  "instanceMembers.add": async () => {
    const someone = await signUp("instance-add");
    await ok("instanceMembers.add", { as: operator, body: { instanceId, email: someone.user.email, role: "admin" } });
    await fails(
      "instanceMembers.add",
      { as: operator, body: { instanceId, email: someone.user.email } },
      409,
      "already_member",
    );
    await fails(
      "instanceMembers.add",
      { as: operator, body: { instanceId, email: "nobody@example.com" } },
      404,
      "user_not_found",
    );
  },
  "instanceMembers.setRole": async () => {
    const admin = await instanceMember("admin");
    await ok("instanceMembers.setRole", { as: operator, body: { instanceId, userId: admin.user.id, role: "viewer" } });
    await fails(
      "instanceMembers.setRole",
      { as: operator, body: { instanceId, userId: "nobody", role: "viewer" } },
      404,
      "member_not_found",
    );
    await fails(
      "instanceMembers.setRole",
      { as: admin, body: { instanceId, userId: admin.user.id, role: "owner" } },
      403,
      "permission_denied",
    );
  },
  "instanceMembers.remove": async () => {
    const viewer = await instanceMember("viewer");
    await ok("instanceMembers.remove", { as: operator, body: { instanceId, userId: viewer.user.id } });
    await fails(
      "instanceMembers.remove",
      { as: viewer, body: { instanceId, userId: operator.user.id } },
      404,
      "instance_not_found",
    );
  },
  "instanceTokens.create": async () => {
    const token = await mintInstanceToken(["instanceOrgInvites.*"]);
    expect(token.bearer).toMatch(/^tnc_inst_/);
    await fails("instanceTokens.create", { as: operator, body: { instanceId, scopes: [] } }, 400, "invalid_input");
    await fails(
      "instanceTokens.create",
      {
        as: { bearer: (await mintInstanceToken(["all.Instance"])).bearer },
        body: { instanceId, scopes: ["all.Instance"] },
      },
      403,
      "insufficient_scope",
    );
  },
  "instanceTokens.list": async () => {
    await mintInstanceToken(["all.Instance.read"]);
    const body = await ok("instanceTokens.list", { as: operator, body: { instanceId } });
    expect(body.instanceTokens.length).toBeGreaterThan(0);
    await fails("instanceTokens.list", { as: outsider, body: { instanceId } }, 404, "instance_not_found");
  },
  "instanceTokens.revoke": async () => {
    const token = await mintInstanceToken(["all.Instance.read"]);
    await ok("instanceTokens.revoke", { as: operator, body: { instanceId, id: token.id } });
    await fails("instances.get", { as: { bearer: token.bearer }, body: { instanceId } }, 401, "invalid_api_token");
    await fails(
      "instanceTokens.revoke",
      { as: operator, body: { instanceId, id: "nope" } },
      404,
      "api_token_not_found",
    );
  },
  "userTokens.create": async () => {
    const token = await mintUserToken(outsider);
    expect(token.bearer).toMatch(/^tnc_user_/);
    await fails("userTokens.create", { as: { bearer: token.bearer }, body: { name: "more" } }, 403, "session_required");
    await fails("userTokens.create", { as: outsider, body: { name: "" } }, 400, "invalid_input");
  },
  "userTokens.list": async () => {
    const token = await mintUserToken(member);
    const body = await ok("userTokens.list", { as: { bearer: token.bearer } });
    expect(body.userTokens.map((t: { id: string }) => t.id)).toContain(token.id);
    await fails("userTokens.list", { as: { bearer: await mintToken(owner, org) } }, 403, "user_required");
  },
  "userTokens.revoke": async () => {
    const token = await mintUserToken(member);
    const script = { bearer: token.bearer };
    await ok("organizations.list", { as: script });
    await ok("userTokens.revoke", { as: member, body: { id: token.id } });
    await fails("organizations.list", { as: script }, 401, "invalid_api_token");
    await fails("userTokens.revoke", { as: outsider, body: { id: token.id } }, 404, "api_token_not_found");
  },

  // Losant's Instance Org Invites (seeds/losant-instance-org-invites.md).
  instanceOrgInvitesGet: async () => {
    const { bearer } = await mintInstanceToken(["instanceOrgInvites.get"]);
    await invite(owner, org, `rest-${randomUUID().slice(0, 6)}@example.com`);
    const body = await ok("instanceOrgInvitesGet", {
      as: { bearer },
      params: { instanceId, orgId: org.id },
      query: { sortField: "role", sortDirection: "asc", filterField: "email", filter: "rest-*" },
    });
    expect(body.length).toBeGreaterThan(0);
    expect(body.every((i: { email: string }) => i.email.startsWith("rest-"))).toBe(true);
    await fails(
      "instanceOrgInvitesGet",
      { as: { bearer }, params: { instanceId, orgId: "nope" } },
      404,
      "organization_not_found",
    );
    await fails(
      "instanceOrgInvitesGet",
      { as: { bearer }, params: { instanceId: "nope", orgId: org.id } },
      404,
      "instance_not_found",
    );
    await fails(
      "instanceOrgInvitesGet",
      { as: { bearer }, params: { instanceId, orgId: org.id }, query: { sortDirection: "up" } },
      400,
      "invalid_input",
    );
  },
  instanceOrgInvitesPost: async () => {
    const { bearer } = await mintInstanceToken(["instanceOrgInvites.post"]);
    const body = await ok(
      "instanceOrgInvitesPost",
      {
        as: { bearer },
        params: { instanceId, orgId: org.id },
        body: { email: `rest-post-${randomUUID().slice(0, 6)}@example.com`, role: "viewer" },
      },
      201,
    );
    expect(body).toMatchObject({ role: "viewer", hasExpired: false });
    await fails(
      "instanceOrgInvitesPost",
      { as: { bearer }, params: { instanceId, orgId: org.id }, body: { email: "not an email" } },
      400,
      "invalid_input",
    );
    await fails(
      "instanceOrgInvitesPost",
      { as: outsider, params: { instanceId, orgId: org.id }, body: { email: "x@example.com" } },
      404,
      "instance_not_found",
    );
    const readOnly = await mintInstanceToken(["instanceOrgInvites.get"]);
    await fails(
      "instanceOrgInvitesPost",
      { as: { bearer: readOnly.bearer }, params: { instanceId, orgId: org.id }, body: { email: "x@example.com" } },
      403,
      "insufficient_scope",
    );
  },

  // The REST Organizations API (the seed's table).
  listOrgs: async () => {
    const body = await ok("listOrgs", { as: owner, query: { active_only: "true" } });
    expect(body.organizations.map((o: Org) => o.id)).toContain(org.id);
    await ok("listOrgs", { as: { bearer: await mintToken(owner, org) } });
    await fails("listOrgs", { as: owner, query: { active_only: "maybe" } }, 400, "invalid_input");
  },
  createOrg: async () => {
    const body = await ok("createOrg", { as: owner, body: { name: "REST made", description: null } }, 201);
    expect(body.organization).toMatchObject({ name: "REST made", description: null });
    await fails("createOrg", { as: owner, body: { name: "Reserved", handle: "members" } }, 400, "handle_reserved");
    await fails("createOrg", { as: owner, body: { description: "no name" } }, 400, "invalid_input");
  },
  getOrg: async () => {
    await ok("getOrg", { as: owner, params: { org_id: org.handle } });
    await ok("getOrg", { as: owner, params: { org_id: org.id } });
    await fails("getOrg", { as: outsider, params: { org_id: org.handle } }, 404, "organization_not_found");
  },
  updateOrg: async () => {
    const mine = await newOrg(owner);
    await ok("updateOrg", { as: owner, params: { org_id: mine.handle }, body: { description: "Set" } });
    const body = await ok("updateOrg", {
      as: owner,
      params: { org_id: mine.handle },
      body: { name: null, description: null, active: null },
    });
    // null leaves name and active as they are and clears the description.
    expect(body.organization).toMatchObject({ name: expect.any(String), description: null, active: true });
    await fails("updateOrg", { as: owner, params: { org_id: mine.handle }, body: { name: "" } }, 400, "invalid_input");
  },
  deleteOrg: async () => {
    const doomed = await newOrg(owner);
    await ok("deleteOrg", { as: owner, params: { org_id: doomed.handle } });
    await fails("deleteOrg", { as: owner, params: { org_id: doomed.handle } }, 404, "organization_not_found");
  },
  getMembers: async () => {
    const body = await ok("getMembers", { as: member, params: { org_id: org.handle }, query: { limit: "1" } });
    expect(body.members).toHaveLength(1);
    await fails(
      "getMembers",
      { as: owner, params: { org_id: org.handle }, query: { limit: "0" } },
      400,
      "invalid_input",
    );
  },
  addOrgMember: async () => {
    const mine = await newOrg(owner);
    const someone = await signUp();
    const body = await ok(
      "addOrgMember",
      { as: owner, params: { org_id: mine.id }, body: { email: someone.user.email } },
      201,
    );
    expect(body.member).toMatchObject({ userId: someone.user.id, role: "member" });
    await fails(
      "addOrgMember",
      { as: owner, params: { org_id: mine.id }, body: { email: someone.user.email } },
      409,
      "already_member",
    );
  },
  getLicense: async () => {
    const { org: mine } = await licensedOrg({ seats: 7 });
    const body = await ok("getLicense", { as: owner, params: { org_id: mine.handle } });
    expect(body.seats.limit).toBe(7);
    await fails("getLicense", { as: outsider, params: { org_id: mine.handle } }, 404, "organization_not_found");
  },
  assignLicense: async () => {
    const mine = await newOrg(owner, "rest-license");
    const { license, key } = await issueLicense({ seats: 4 });
    const body = await ok("assignLicense", {
      as: operator,
      params: { org_id: mine.handle },
      body: { license_id: license.id },
    });
    expect(body.license.id).toBe(license.id);
    await ok("assignLicense", { as: owner, params: { org_id: mine.handle }, body: { license_key: key } });
    await fails("assignLicense", { as: owner, params: { org_id: mine.handle }, body: {} }, 400, "invalid_input");
    const other = await newOrg(owner, "rest-other");
    await fails(
      "assignLicense",
      { as: operator, params: { org_id: other.handle }, body: { license_id: license.id } },
      409,
      "license_in_use",
    );
  },
  unassignLicense: async () => {
    const { org: mine } = await licensedOrg();
    await ok("unassignLicense", { as: owner, params: { org_id: mine.handle } });
    await fails("unassignLicense", { as: member, params: { org_id: org.handle } }, 403, "permission_denied");
  },
  getOrgDeployments: async () => {
    const { org: mine } = await licensedOrg();
    const body = await ok("getOrgDeployments", { as: owner, params: { org_id: mine.id } });
    expect(body).toMatchObject({ deployments: [], active: 0, limit: 2 });
    await fails("getOrgDeployments", { as: outsider, params: { org_id: mine.id } }, 404, "organization_not_found");
  },
  getLicensePublicKey: async () => {
    const body = await ok("getLicensePublicKey", { as: null });
    const rpc = await ok("licenses.publicKey", { as: null });
    expect(body).toEqual(rpc);
  },
  removeOrgMember: async () => {
    const mine = await newOrg(owner);
    const someone = await signUp();
    await addMember(owner, mine, someone);
    await ok("removeOrgMember", { as: owner, params: { org_id: mine.handle, user_id: someone.user.id } });
    await fails(
      "removeOrgMember",
      { as: owner, params: { org_id: mine.handle, user_id: owner.user.id } },
      409,
      "last_owner",
    );
  },
};

/** An error every operation can show: no credentials where it needs some, else a malformed body. */
async function genericError(operationId: string): Promise<void> {
  const { doc, method } = operations.get(operationId)!;
  if ((doc.security ?? []).length > 0) {
    await fails(
      operationId,
      { as: null, params: { org_id: org.id, user_id: member.user.id, instanceId, orgId: org.id }, body: {} },
      401,
      "unauthenticated",
    );
  } else if (method === "POST") {
    await fails(operationId, { as: null, rawBody: "{not json" }, 400, "invalid_json");
  }
}

describe("every operation of /v1/openapi.json, live", () => {
  for (const operationId of operations.keys()) {
    it(operationId, async () => {
      const scenario = scenarios[operationId];
      expect(scenario, `no contract scenario for ${operationId}: add one`).toBeDefined();
      await scenario!();
      await genericError(operationId);
      const counts = coverage.get(operationId);
      expect(counts?.success, `${operationId} had no successful call`).toBeGreaterThan(0);
      if (!(operationId in CANNOT_FAIL)) expect(counts?.error, `${operationId} had no error call`).toBeGreaterThan(0);
    });
  }

  afterAll(() => {
    // A scenario for an operation the document no longer has is stale.
    expect(Object.keys(scenarios).filter((id) => !operations.has(id))).toEqual([]);
  });
});

describe("REST transport", () => {
  it("validates answers strictly: a body the documented schema does not allow is refused", () => {
    const schema = operations.get("getOrg")!.doc.responses["200"]!.content!["application/json"]!.schema;
    expect(validatorFor(schema)({ organization: { id: "x" } })).toBe(false);
    expect(validatorFor(schema)({ organization: {}, role: "owner", extra: true })).toBe(false);
  });

  it("answers 405 with Allow for a method the path does not have", async () => {
    const response = await fetch(`${baseUrl}/v1/organizations/${org.handle}`, {
      method: "PATCH",
      headers: { cookie: owner.cookie },
    });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("DELETE, GET, PUT");
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("method_not_allowed");
  });

  it("names REST fields in field errors", async () => {
    const answer = await call("getOrg", { as: owner, params: { org_id: "x".repeat(101) } });
    expect(answer.status).toBe(400);
    expect(Object.keys(answer.body.error.fieldErrors)).toEqual(["org_id"]);
  });
});
