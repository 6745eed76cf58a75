import { describe, expect, it } from "vitest";

import { createAuth } from "../src/auth/auth";
import { openBody } from "../src/services/outbox";
import { databaseText, testConfig, useTestDatabase } from "./harness";

const db = useTestDatabase();
const BASE = "http://tenancy.test";

const makeAuth = () =>
  createAuth({
    db: db.prisma,
    secrets: testConfig.secrets,
    baseURL: BASE,
    trustedOrigins: testConfig.trustedOrigins,
    rateLimit: false,
  });

const post = (auth: ReturnType<typeof makeAuth>, path: string, body: unknown, cookie?: string) =>
  auth.handler(
    new Request(`${BASE}/api/auth${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: BASE, ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    }),
  );

async function signUp(auth: ReturnType<typeof makeAuth>, email: string, password: string) {
  const response = await post(auth, "/sign-up/email", { email, password, name: "Rita Reset" });
  expect(response.status).toBe(200);
  return response.headers
    .getSetCookie()
    .find((c) => c.startsWith("better-auth.session_token="))!
    .split(";")[0]!;
}

/** The newest email of `kind` to `to`, its text opened with the server secret. */
async function newestEmail(to: string, kind: string) {
  const row = await db.prisma.emailOutbox.findFirst({
    where: { to, kind },
    orderBy: { createdAt: "desc" },
    select: { subject: true, text: true, html: true },
  });
  return row ? { subject: row.subject, text: openBody(testConfig.secrets.current, row.text) } : null;
}

describe("forgot password, through the outbox", () => {
  it("mails a one-time link; it leads to the reset page with a token that sets a new password and signs everyone out", async () => {
    const auth = makeAuth();
    const oldSession = await signUp(auth, "rita@example.com", "the old password");
    const requested = await post(auth, "/request-password-reset", {
      email: "Rita@Example.com",
      redirectTo: "/reset-password",
    });
    expect(requested.status).toBe(200);

    const email = await newestEmail("rita@example.com", "password_reset");
    expect(email?.subject).toBe("Reset your password");
    const link = /https?:\/\/\S+\/api\/auth\/reset-password\/\S+/.exec(email!.text)?.[0];
    expect(link).toMatch(/^http:\/\/tenancy\.test\/api\/auth\/reset-password\/[\w-]+\?callbackURL=%2Freset-password$/);
    const token = new URL(link!).pathname.split("/").pop()!;
    // Stored only as a hash: the token itself is nowhere in the database (the email body is sealed).
    expect(await databaseText(db)).not.toContain(token);

    // The link checks the token and hands it to the console's reset page.
    const opened = await auth.handler(new Request(link!));
    expect(opened.status).toBe(302);
    expect(opened.headers.get("location")).toBe(`${BASE}/reset-password?token=${token}`);

    expect((await post(auth, "/reset-password", { token, newPassword: "short" })).status).toBe(400);
    expect((await post(auth, "/reset-password", { token, newPassword: "a brand new password" })).status).toBe(200);
    // Once only.
    expect((await post(auth, "/reset-password", { token, newPassword: "yet another password" })).status).toBe(400);

    expect(
      (await post(auth, "/sign-in/email", { email: "rita@example.com", password: "the old password" })).status,
    ).toBe(401);
    expect(
      (await post(auth, "/sign-in/email", { email: "rita@example.com", password: "a brand new password" })).status,
    ).toBe(200);
    // The session from before the reset is gone; reading the mail proved the address too.
    const session = await auth.api.getSession({ headers: new Headers({ cookie: oldSession }) });
    expect(session).toBeNull();
    expect(
      await db.prisma.user.findUniqueOrThrow({ where: { email: "rita@example.com" }, select: { emailVerified: true } }),
    ).toEqual({ emailVerified: true });
  });

  it("answers the same for an unknown address, and sends nothing", async () => {
    const auth = makeAuth();
    const response = await post(auth, "/request-password-reset", {
      email: "nobody@example.com",
      redirectTo: "/reset-password",
    });
    expect(response.status).toBe(200);
    expect(await db.prisma.emailOutbox.count({ where: { to: "nobody@example.com" } })).toBe(0);
  });

  it("refuses an unknown or expired token on the link, back to the reset page with the error", async () => {
    const auth = makeAuth();
    const opened = await auth.handler(
      new Request(`${BASE}/api/auth/reset-password/not-a-token?callbackURL=%2Freset-password`),
    );
    expect(opened.status).toBe(302);
    expect(opened.headers.get("location")).toBe(`${BASE}/reset-password?error=INVALID_TOKEN`);
  });
});
