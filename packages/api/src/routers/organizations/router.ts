import { createTRPCRouter } from "../../trpc";
import { auditRouter } from "./audit";
import { organizationCoreProcedures } from "./core";
import { customRolesRouter } from "./customRoles";
import { organizationDeploymentsRouter } from "./deployments";
import { invitationsRouter } from "./invitations";
import { domainsRouter } from "./domains";
import { joinCodesRouter } from "./joinCodes";
import { logoRouter } from "./logo";
import { licenseRouter } from "./license";
import { membersRouter } from "./members";
import { membershipsRouter } from "./memberships";
import { tokensRouter } from "./tokens";

export const organizationsRouter = createTRPCRouter({
  ...organizationCoreProcedures,
  members: membersRouter,
  memberships: membershipsRouter,
  invitations: invitationsRouter,
  joinCodes: joinCodesRouter,
  customRoles: customRolesRouter,
  tokens: tokensRouter,
  audit: auditRouter,
  logo: logoRouter,
  domains: domainsRouter,
  license: licenseRouter,
  deployments: organizationDeploymentsRouter,
});
