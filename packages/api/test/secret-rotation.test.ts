import { createHmac } from "node:crypto";

import nodemailer from "nodemailer";
import { describe, expect, it } from "vitest";

import type { DatabaseHandle } from "@tenancy/db/connect";

import { createAuth, sessionUserFromHeaders, type Auth } from "../src/auth/auth";
import { sessionLookupOf } from "../src/auth/sessionLookup";
import { acceptedSecrets, type ApiConfig, type ServerSecrets } from "../src/config";
import { createRequestContext } from "../src/context";
import { createCaller } from "../src/root";
import { DeliveryMemory, deliverDueEmails, nodemailerTransport } from "../src/services/emailDelivery";
import { openSecondHandle, testConfig, useTestDatabase } from "./harness";

const db = useTestDatabase();

const BASE_URL = "http://tenancy.test";
const S1 = "first-server-secret-first-server-secret-01";
const S2 = "second-server-secret-second-server-secret-2";
const UNKNOWN = "a-secret-nobody-has-a-secret-nobody-has-3";

const only = (current: string): ServerSecrets => ({ current, previous: [] });
const rotated = (current: string, ...previous: string[]): ServerSecrets => ({ current, previous });

/** One app instance: Better Auth and the API config built from its secrets, as the console builds them. */
function instance(handle: DatabaseHandle, secrets: ServerSecrets) {
  const auth = createAuth({ db: handle.prisma, secrets, baseURL: BASE_URL, rateLimit: false });
  const config: ApiConfig = { ...testConfig, secrets };
  return { handle, secrets, auth, config };
}
type Instance = ReturnType<typeof instance>;

let signUps = 0;
/** Signs up through the instance's HTTP handler; returns the Cookie header a browser would send back. */
async function signUp(auth: Auth): Promise<{ cookie: string; email: string }> {
  signUps += 1;
  const email = `person${signUps}@example.com`;
  const response = await auth.handler(
    new Request(`${BASE_URL}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: BASE_URL },
      body: JSON.stringify({ name: `Person ${signUps}`, email, password: "correct horse battery" }),
    }),
  );
  expect(response.status).toBe(200);
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0]!)
    .join("; ");
  expect(cookie).toMatch(/session_token=/);
  return { cookie, email };
}

const whoIs = async (auth: Auth, cookie: string) =>
  (await sessionUserFromHeaders(auth, new Headers({ cookie })))?.email ?? null;

/** The tRPC caller a request carrying this cookie gets on this instance. */
async function callerOn(target: Instance, cookie: string) {
  const ctx = await createRequestContext({
    db: target.handle.prisma,
    headers: new Headers({ cookie }),
    config: target.config,
    sessions: await sessionLookupOf(target.auth, target.secrets),
  });
  return createCaller(ctx);
}

describe("sessions across a secret rotation", () => {
  it("a session signed under a previous secret keeps working, through auth.api and over HTTP", async () => {
    const before = instance(db, only(S1));
    const { cookie, email } = await signUp(before.auth);
    expect(await whoIs(before.auth, cookie)).toBe(email);

    // Rotated without keeping the old secret: every session is lost (what the previous secrets prevent).
    expect(await whoIs(instance(db, only(S2)).auth, cookie)).toBeNull();

    const after = instance(db, rotated(S2, S1));
    expect(await whoIs(after.auth, cookie)).toBe(email);
    const response = await after.auth.handler(
      new Request(`${BASE_URL}/api/auth/get-session`, { headers: { cookie, origin: BASE_URL } }),
    );
    expect(response.status).toBe(200);
    expect(((await response.json()) as { user: { email: string } }).user.email).toBe(email);

    // A signature under a secret no instance has is still refused.
    const forged = cookie.replace(/session_token=([^;]+)/, (_m, value: string) => {
      const token = decodeURIComponent(value).split(".")[0]!;
      const signature = createHmac("sha256", UNKNOWN).update(token).digest("base64");
      return `session_token=${encodeURIComponent(`${token}.${signature}`)}`;
    });
    expect(await whoIs(after.auth, forged)).toBeNull();

    // Signing out through the rotated instance ends the old session everywhere.
    const signOut = await after.auth.handler(
      new Request(`${BASE_URL}/api/auth/sign-out`, {
        method: "POST",
        headers: { cookie, origin: BASE_URL, "content-type": "application/json" },
        body: "{}",
      }),
    );
    expect(signOut.status).toBe(200);
    expect(await whoIs(before.auth, cookie)).toBeNull();
    expect(await whoIs(after.auth, cookie)).toBeNull();
  });

  it("rotates a two-instance fleet under traffic: no request and no email fails", async () => {
    const second = await openSecondHandle(db);
    try {
      // Deterministic "random" choices, so a failure replays the same way.
      let seed = 7;
      const pick = <T>(items: readonly T[]): T => {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        return items[seed % items.length]!;
      };
      const handles = [db, second] as const;
      // The rolling rotation of the README: first every instance learns the new secret (accepted, not
      // used), then every instance switches to it, keeping the old one accepted.
      const phases: [ServerSecrets, ServerSecrets][] = [
        [only(S1), only(S1)],
        [rotated(S1, S2), only(S1)],
        [rotated(S1, S2), rotated(S1, S2)],
        [rotated(S2, S1), rotated(S1, S2)],
        [rotated(S2, S1), rotated(S2, S1)],
      ];

      const delivered: string[] = [];
      const transport = nodemailerTransport(nodemailer.createTransport({ jsonTransport: true }), {
        from: "Tenancy <no-reply@tenancy.test>",
        onSent: (_info, message) => delivered.push(message.to),
      });
      const warnings: string[] = [];
      const failures: string[] = [];
      const totals = { sent: 0, retrying: 0, failed: 0, released: 0 };
      const clients: { cookie: string; email: string; organizationId?: string }[] = [];
      let invitations = 0;

      let fleet: Instance[] = [];
      let memories: DeliveryMemory[] = [];
      const deliveryRound = (index: number) =>
        deliverDueEmails(fleet[index]!.handle.prisma, {
          secrets: acceptedSecrets(fleet[index]!.secrets),
          transport,
          memory: memories[index],
          policy: { batchSize: 4 },
          log: () => {},
          warn: (line) => warnings.push(line),
        }).then((result) => {
          for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += result[key];
        });

      const traffic = async (client: (typeof clients)[number]) => {
        const target = pick(fleet);
        try {
          const caller = await callerOn(target, client.cookie);
          if (!client.organizationId) {
            const { organization } = await caller.organizations.create({ name: `Org of ${client.email}` });
            client.organizationId = organization.id;
          }
          await caller.organizations.list({});
          await caller.organizations.invitations.create({
            organizationId: client.organizationId,
            email: `guest${++invitations}@example.com`,
          });
        } catch (error) {
          failures.push(`${client.email} on instance ${fleet.indexOf(target)}: ${(error as Error).message}`);
        }
      };

      for (const [phase, secrets] of phases.entries()) {
        // A restarted instance: new secrets, a fresh worker.
        fleet = secrets.map((s, i) => instance(handles[i]!, s));
        memories = secrets.map(() => new DeliveryMemory());
        for (let i = 0; i < 2; i++) clients.push(await signUp(pick(fleet).auth));
        // Everyone signed up so far makes requests on either instance while both workers deliver.
        for (let burst = 0; burst < 2; burst++) {
          await Promise.all([...clients.map(traffic), deliveryRound(0), deliveryRound(1)]);
        }
        expect(failures, `phase ${phase}`).toEqual([]);
      }

      // Drain what is left with the final fleet.
      for (let i = 0; i < 20 && (await db.prisma.emailOutbox.count({ where: { status: "pending" } })) > 0; i++) {
        await Promise.all([deliveryRound(0), deliveryRound(1)]);
      }
      const rows = await db.prisma.emailOutbox.findMany({ select: { kind: true, status: true, attempts: true } });
      // Every invitation, and the verification link each sign-up sent, sealed under whichever secret.
      const emails = invitations + clients.length;
      expect(rows.filter((r) => r.kind === "email_verification")).toHaveLength(clients.length);
      expect(rows).toHaveLength(emails);
      expect(rows.every((r) => r.status === "sent" && r.attempts === 1)).toBe(true);
      expect(totals).toEqual({ sent: emails, retrying: 0, failed: 0, released: 0 });
      expect(delivered).toHaveLength(emails);
      expect(warnings).toEqual([]);

      // Every session, whichever secret signed it, works on both rotated instances.
      for (const client of clients) {
        for (const target of fleet) expect(await whoIs(target.auth, client.cookie)).toBe(client.email);
      }
      // Dropping the previous secret too early (before the sessions signed under it have expired or
      // been refreshed) would sign those users out: the reason the README says to keep it a while.
      const dropped = instance(db, only(S2));
      const results = await Promise.all(clients.map((c) => whoIs(dropped.auth, c.cookie)));
      expect(results.some((email) => email === null)).toBe(true);
    } finally {
      await second.close();
    }
  });
});
