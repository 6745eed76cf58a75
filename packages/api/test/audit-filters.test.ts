import { describe, expect, it } from "vitest";

import { createRequestContext } from "../src/context";
import { csvCell, handleAuditExportRequest } from "../src/http/audit-export";
import { callerFor, createOrganizationWithRoles, createUser, failureOf, testConfig, useTestDatabase } from "./harness";

const db = useTestDatabase();

/** An organization with a few kinds of events by two actors, one of them backdated a week. */
async function orgWithHistory() {
  const fixture = await createOrganizationWithRoles(db, "Filtered");
  const { organization, owner, admin } = fixture;
  const asOwner = callerFor(db, owner);
  const asAdmin = callerFor(db, admin);
  await asOwner.organizations.update({ organizationId: organization.id, name: "Filtered Inc" });
  await asAdmin.organizations.invitations.create({ organizationId: organization.id, email: "zed@example.com" });
  await asAdmin.organizations.tokens.create({ organizationId: organization.id, name: '=HYPERLINK("x")' });
  const weekAgo = new Date(Date.now() - 7 * 86_400_000);
  await db.prisma.auditEvent.updateMany({
    where: { organizationId: organization.id, action: "organization.created" },
    data: { createdAt: weekAgo },
  });
  return { ...fixture, weekAgo };
}

describe("audit.list filters", () => {
  it("narrows by actor, by actions or a group, and by a date range, on the server", async () => {
    const { organization, owner, admin, weekAgo } = await orgWithHistory();
    const asOwner = callerFor(db, owner);
    const list = async (filters: Record<string, unknown>) =>
      (await asOwner.organizations.audit.list({ organizationId: organization.id, ...filters })).events.map(
        (e) => e.action,
      );

    expect(await list({ actor: admin.email.toUpperCase() })).toEqual(["api_token.created", "invitation.created"]);
    expect(await list({ actions: ["member.added"] })).toEqual(["member.added", "member.added", "member.added"]);
    expect(await list({ actionGroup: "organization" })).toEqual(["organization.updated", "organization.created"]);
    // actions and actionGroup together keep events matching either.
    expect(await list({ actionGroup: "api_token", actions: ["organization.updated"] })).toEqual([
      "api_token.created",
      "organization.updated",
    ]);
    expect(await list({ to: new Date(weekAgo.getTime() + 1000) })).toEqual(["organization.created"]);
    expect(await list({ from: new Date(weekAgo.getTime() + 1000), actor: owner.email })).toEqual([
      "organization.updated",
      "member.added",
      "member.added",
      "member.added",
    ]);
    expect(await list({ actor: "nobody-like-this" })).toEqual([]);
    // Dates arrive as strings over /v1: they are coerced.
    expect(await list({ from: new Date(Date.now() - 60_000).toISOString(), actionGroup: "invitation" })).toEqual([
      "invitation.created",
    ]);
  });

  it("pages through filtered results with the cursor, each event once", async () => {
    const { organization, owner } = await orgWithHistory();
    const asOwner = callerFor(db, owner);
    const first = await asOwner.organizations.audit.list({
      organizationId: organization.id,
      actionGroup: "member",
      limit: 2,
    });
    expect(first.events).toHaveLength(2);
    const second = await asOwner.organizations.audit.list({
      organizationId: organization.id,
      actionGroup: "member",
      limit: 2,
      cursor: first.nextCursor!,
    });
    expect(second.events.map((e) => e.action)).toEqual(["member.added"]);
    expect(second.nextCursor).toBeNull();
  });

  it("refuses unknown actions, a reversed range and bad dates with BAD_REQUEST and field errors", async () => {
    const { organization, owner } = await orgWithHistory();
    const asOwner = callerFor(db, owner);
    const now = new Date();
    const cases: [Record<string, unknown>, string][] = [
      [{ actions: ["member.exploded"] }, "actions"],
      [{ actionGroup: "everything" }, "actionGroup"],
      [{ from: now, to: new Date(now.getTime() - 1000) }, "to"],
      [{ from: "not a date" }, "from"],
      [{ actor: "x".repeat(201) }, "actor"],
    ];
    for (const [filters, field] of cases) {
      const failure = await failureOf(
        asOwner.organizations.audit.list({ organizationId: organization.id, ...(filters as object) }),
      );
      expect(failure, JSON.stringify(filters)).toMatchObject({ code: "BAD_REQUEST", reason: "invalid_input" });
      expect(Object.keys(failure.fieldErrors ?? {}), JSON.stringify(filters)).toContain(field);
    }
  });
});

describe("audit export", () => {
  const exportAs = (userId: string | null, query: string) =>
    handleAuditExportRequest(new Request(`http://tenancy.test/api/audit/export?${query}`), async (request) => ({
      ...(await createRequestContext({ db: db.prisma, headers: request.headers, config: testConfig })),
      // The signed-in caller, as a session lookup would resolve it.
      actor: userId
        ? { type: "user", userId, email: `${userId}@example.com`, name: "Someone", emailVerified: true }
        : null,
    }));

  it("downloads the filtered events as CSV, formula-like cells defused, newest first", async () => {
    const { organization, owner, admin } = await orgWithHistory();
    const response = await exportAs(
      owner.userId,
      `organizationId=${organization.handle}&format=csv&actor=${admin.email}`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(
      new RegExp(`^attachment; filename="audit-${organization.handle}-\\d{4}-\\d{2}-\\d{2}\\.csv"$`),
    );
    const lines = (await response.text()).trimEnd().split("\r\n");
    expect(lines[0]).toBe("id,time,actor_type,actor_id,actor,action,target_type,target_id,target,metadata");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(",api_token.created,api_token,");
    // A token named like a formula cannot run when the file is opened in a spreadsheet.
    expect(lines[1]).toContain(`"'=HYPERLINK(""x"")"`);
    expect(lines[2]).toContain(",invitation.created,invitation,");
    expect(lines[2]).toContain("zed@example.com");
  });

  it("downloads JSON with the same events as audit.list", async () => {
    const { organization, owner } = await orgWithHistory();
    const response = await exportAs(owner.userId, `organizationId=${organization.id}&format=json&actions=member.added`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { id: string; action: string; createdAt: string }[];
    const listed = await callerFor(db, owner).organizations.audit.list({
      organizationId: organization.id,
      actions: ["member.added"],
    });
    expect(body.map((e) => e.id)).toEqual(listed.events.map((e) => e.id));
    expect(body[0]!.createdAt).toBe(listed.events[0]!.createdAt.toISOString());
    const empty = await exportAs(owner.userId, `organizationId=${organization.id}&format=json&actor=nobody`);
    expect(await empty.json()).toEqual([]);
  });

  it("needs audit:view and a caller; bad filters are a 400 with field errors", async () => {
    const { organization, member } = await orgWithHistory();
    const outsider = await createUser(db);
    expect((await exportAs(member.userId, `organizationId=${organization.id}`)).status).toBe(403);
    const hidden = await exportAs(outsider.userId, `organizationId=${organization.id}`);
    expect(hidden.status).toBe(404);
    expect(await hidden.json()).toMatchObject({ error: { code: "organization_not_found" } });
    expect((await exportAs(null, `organizationId=${organization.id}`)).status).toBe(401);
    const bad = await exportAs(member.userId, `organizationId=${organization.id}&format=xml&from=yesterday`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: { code: "invalid_input", fieldErrors: { format: expect.any(Array), from: expect.any(Array) } },
    });
  });

  it("quotes and defuses CSV cells", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("line\nbreak")).toBe('"line\nbreak"');
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("-2")).toBe("'-2");
    expect(csvCell(null)).toBe("");
  });
});
