// A program written against the published @tenancy/client, as a developer would: typechecked and
// run outside the monorepo by pack.test.ts. Prints what it saw as JSON.
import {
  createTenancyClient,
  TenancyError,
  type Member,
  type Organization,
  type RouterInputs,
  type TenancyErrorCode,
} from "@tenancy/client";

const [url, cookie, memberEmail] = process.argv.slice(2) as [string, string, string];

// User-level: acting for a signed-in user (a server forwarding the session cookie).
const asUser = createTenancyClient({ url, headers: { cookie } });
const created: { organization: Organization } = await asUser.organizations.create.mutate({ name: "Packed Co" });
const organizationId = created.organization.handle;
const createdAt: Date = created.organization.createdAt; // superjson: a real Date
const mine = await asUser.organizations.list.query({ activeOnly: true });

// Org-level: an organization API token.
const { apiToken } = await asUser.organizations.tokens.create.mutate({ organizationId, name: "packed" });
const tenancy = createTenancyClient({ url, token: apiToken.bearer });
const added: Member = (await tenancy.organizations.members.add.mutate({ organizationId, email: memberEmail })).member;
const invite: RouterInputs["organizations"]["invitations"]["create"] = { organizationId, email: "a@example.com" };
await tenancy.organizations.invitations.create.mutate(invite);
await tenancy.organizations.invitations.create.mutate({ ...invite, email: "b@example.com", role: "viewer" });

const members: string[] = [];
for await (const member of tenancy.members.iterate({ organizationId, pageSize: 1 })) members.push(member.email);
const invited: string[] = [];
for await (const invitation of tenancy.invitations.iterate({
  organizationId,
  pageSize: 1,
  sortField: "email",
  sortDirection: "asc",
}))
  invited.push(invitation.email);
let auditEvents = 0;
for await (const event of tenancy.audit.iterate({ organizationId, pageSize: 2 })) auditEvents += event.action ? 1 : 0;

async function failure(
  call: () => Promise<unknown>,
): Promise<{ code: TenancyErrorCode | "network_error"; status: number; fields: string[] }> {
  try {
    await call();
  } catch (error) {
    if (error instanceof TenancyError)
      return { code: error.code, status: error.status, fields: Object.keys(error.fieldErrors) };
    throw error;
  }
  throw new Error("expected a failure");
}

const { members: firstPage } = await asUser.organizations.members.list.query({ organizationId });
const ownerId = firstPage.find((member) => member.role === "owner")!.userId;
const lastOwner = await failure(() => asUser.organizations.members.remove.mutate({ organizationId, userId: ownerId }));
const invalid = await failure(() => asUser.organizations.create.mutate({ name: "" }));
const tokenCannotMint = await failure(() => tenancy.organizations.tokens.create.mutate({ organizationId }));
const unknown = await failure(() => tenancy.organizations.get.query({ organizationId: "no-such-org" }));

console.log(
  JSON.stringify({
    createdAtIsDate: createdAt instanceof Date,
    listed: mine.organizations.map((o) => o.handle).includes(organizationId),
    members,
    added: added.email,
    invited,
    auditEvents,
    lastOwner,
    invalid,
    tokenCannotMint,
    unknown,
  }),
);
