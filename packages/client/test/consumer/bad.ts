// Deliberate type errors: pack.test.ts requires tsc to refuse this file.
import { createTenancyClient } from "@tenancy/client";

const client = createTenancyClient({ url: "http://localhost:3000" });
// organizationId is a string.
await client.organizations.get.query({ organizationId: 42 });
// An invitation's status is one of its statuses, never "approved" (roles are open strings since custom roles).
const page = await client.organizations.invitations.list.query({ organizationId: "acme" });
const isSuper: boolean = page.invitations[0]?.status === "approved";
// There is no such procedure.
await client.organizations.members.promote.mutate({ organizationId: "acme" });
export { isSuper };
