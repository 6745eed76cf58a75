// Deliberate type errors: pack.test.ts requires tsc to refuse this file.
import { createTenancyClient } from "@tenancy/client";

const client = createTenancyClient({ url: "http://localhost:3000" });
// organizationId is a string.
await client.organizations.get.query({ organizationId: 42 });
// A member's role is one of the built-in roles, never "superuser".
const page = await client.organizations.members.list.query({ organizationId: "acme" });
const isSuper: boolean = page.members[0]?.role === "superuser";
// There is no such procedure.
await client.organizations.members.promote.mutate({ organizationId: "acme" });
export { isSuper };
