import { describe, expect, it } from "vitest";

import { createAuth } from "../src/auth/auth";
import { authRateLimitsFromEnv, DEFAULT_AUTH_RATE_LIMITS } from "../src/auth/rateLimits";
import { testConfig, useTestDatabase } from "./harness";

const db = useTestDatabase();
const BASE = "http://tenancy.test";

function authWith(env: NodeJS.ProcessEnv = {}) {
  return createAuth({
    db: db.prisma,
    secrets: testConfig.secrets,
    baseURL: BASE,
    rateLimit: true,
    rateLimits: authRateLimitsFromEnv(env),
  });
}

const post = (auth: ReturnType<typeof createAuth>, path: string, ip: string, body: unknown) =>
  auth.handler(
    new Request(`${BASE}/api/auth${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: BASE, "x-forwarded-for": ip },
      body: JSON.stringify(body),
    }),
  );

let counter = 0;
const signUp = (auth: ReturnType<typeof createAuth>, ip: string) => {
  counter += 1;
  return post(auth, "/sign-up/email", ip, {
    email: `person${counter}@office.example`,
    password: "correct horse battery",
    name: `Person ${counter}`,
  });
};

describe("Better Auth's throttling", () => {
  it("lets a team of 30 sign up from one office IP within 5 minutes, refuses the 31st, and not other IPs", async () => {
    const auth = authWith();
    expect(DEFAULT_AUTH_RATE_LIMITS.signUpPerIp).toEqual({ limit: 30, windowSeconds: 300 });
    for (let i = 0; i < 30; i++) {
      const response = await signUp(auth, "203.0.113.7");
      expect(response.status, `sign-up ${i + 1}`).toBe(200);
    }
    const refused = await signUp(auth, "203.0.113.7");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("x-retry-after"))).toBeGreaterThan(200);
    expect((await signUp(auth, "198.51.100.9")).status).toBe(200);
    expect(await db.prisma.user.count()).toBe(31);
  });

  it("counts sign-ins per IP with the limit an operator sets, in the database every instance shares", async () => {
    const auth = authWith({ TENANCY_AUTH_SIGN_INS_PER_IP: "3" });
    expect((await signUp(auth, "192.0.2.1")).status).toBe(200);
    const email = `person${counter}@office.example`;
    const signIn = (password: string) => post(auth, "/sign-in/email", "192.0.2.50", { email, password });
    expect((await signIn("wrong password 1")).status).toBe(401);
    expect((await signIn("wrong password 2")).status).toBe(401);
    expect((await signIn("correct horse battery")).status).toBe(200);
    expect((await signIn("correct horse battery")).status).toBe(429);
    // A second auth instance on the same database sees the same counter.
    const otherInstance = authWith({ TENANCY_AUTH_SIGN_INS_PER_IP: "3" });
    expect((await post(otherInstance, "/sign-in/email", "192.0.2.50", { email, password: "x" })).status).toBe(429);
  });
});
