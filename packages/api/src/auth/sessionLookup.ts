import { acceptedSecrets, type ServerSecrets } from "../config";
import type { SessionLookup } from "../context";
import type { Auth } from "./auth";
import { sessionUserOf } from "./auth";

/**
 * How requests' session cookies are read on this server: Better Auth's cookie names, session
 * lifetime and refresh age (from its own context, so they follow its configuration), the secrets
 * that sign cookies (the current one and those still accepted), and Better Auth's getSession for
 * whatever the fast path leaves to it. Build it once per Better Auth instance.
 */
export async function sessionLookupOf(auth: Auth, secrets: ServerSecrets): Promise<SessionLookup> {
  const context = await auth.$context;
  return {
    policy: {
      cookieName: context.authCookies.sessionToken.name,
      dataCookieName: context.authCookies.sessionData.name,
      secrets: acceptedSecrets(secrets),
      expiresInSeconds: context.sessionConfig.expiresIn,
      updateAgeSeconds: context.sessionConfig.updateAge,
    },
    async viaBetterAuth(headers, setCookie) {
      const { headers: answered, response } = await auth.api.getSession({ headers, returnHeaders: true });
      if (setCookie) for (const line of answered.getSetCookie()) setCookie(line);
      return response ? sessionUserOf(response.user) : null;
    },
  };
}
