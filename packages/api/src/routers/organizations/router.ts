import { createTRPCRouter } from "../../trpc";
import { auditRouter } from "./audit";
import { organizationCoreProcedures } from "./core";
import { invitationsRouter } from "./invitations";
import { domainsRouter } from "./domains";
import { joinCodesRouter } from "./joinCodes";
import { logoRouter } from "./logo";
import { membersRouter } from "./members";
import { membershipsRouter } from "./memberships";
import { tokensRouter } from "./tokens";

export const organizationsRouter = createTRPCRouter({
  ...organizationCoreProcedures,
  members: membersRouter,
  memberships: membershipsRouter,
  invitations: invitationsRouter,
  joinCodes: joinCodesRouter,
  tokens: tokensRouter,
  audit: auditRouter,
  logo: logoRouter,
  domains: domainsRouter,
});
