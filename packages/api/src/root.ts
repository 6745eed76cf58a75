import { reserveApiPathSegments } from "./domain/handles";
import { fixedPathSegments } from "./http/api-paths";
import { REST_ROUTES } from "./http/rest-routes";
import { userTokensRouter } from "./routers/account/userTokens";
import { instanceMembersRouter } from "./routers/instances/instanceMembers";
import { instanceOrgInvitesRouter } from "./routers/instances/instanceOrgInvites";
import { instanceOrgsRouter } from "./routers/instances/instanceOrgs";
import { instancesRouter } from "./routers/instances/instances";
import { instanceTokensRouter } from "./routers/instances/instanceTokens";
import { deploymentsRouter } from "./routers/licensing/deployments";
import { licensesRouter } from "./routers/licensing/licenses";
import { operatorsRouter } from "./routers/licensing/operators";
import { plansRouter } from "./routers/licensing/plans";
import { organizationsRouter } from "./routers/organizations/router";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  organizations: organizationsRouter,
  // Licensing on the vendor's side: the catalogue and issued licenses (operators), and the
  // customer's deployments calling in with their key.
  plans: plansRouter,
  licenses: licensesRouter,
  deployments: deploymentsRouter,
  operators: operatorsRouter,
  // The operator's level: instances, their organizations, instance org invites (Losant's), members, tokens.
  instances: instancesRouter,
  instanceOrgs: instanceOrgsRouter,
  instanceOrgInvites: instanceOrgInvitesRouter,
  instanceMembers: instanceMembersRouter,
  instanceTokens: instanceTokensRouter,
  // Personal access tokens of the signed-in user.
  userTokens: userTokensRouter,
});

export type AppRouter = typeof appRouter;

/** Server-side caller (tests, server components, the /v1 HTTP adapter). */
export const createCaller = createCallerFactory(appRouter);

// Handles that equal a path segment of the API (`create`, `members`, `join-codes`, ...) would shadow
// or be shadowed by a route under /v1/organizations/: reserve them, derived from what is served.
reserveApiPathSegments(fixedPathSegments(Object.keys(appRouter._def.procedures), REST_ROUTES));
