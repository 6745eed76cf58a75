import { createHash } from "node:crypto";

import { describe, expect, it } from "vitest";

import { checkLogo, LOGO_MAX_BYTES, sniffImage } from "../src/domain/images";
import { openBody } from "../src/services/outbox";
import { handleLogoRequest } from "../src/http/logo";
import { callerFor, createOrganizationWithRoles, createUser, failureOf, testConfig, useTestDatabase } from "./harness";
import { asDataUrl, gifHeader, jpegHeader, pngImage, webpHeader } from "./images";

const db = useTestDatabase();

const get = (path: string, headers: Record<string, string> = {}, method = "GET") =>
  handleLogoRequest(new Request(`http://tenancy.test${path}`, { method, headers }), db.prisma, path.split("/").pop()!);

describe("organization logos", () => {
  it("an owner or admin uploads a logo: checked, stored, shown in the organization everywhere, served with caching headers", async () => {
    const { organization, owner, admin, member } = await createOrganizationWithRoles(db, "Logo Co");
    const png = pngImage(64, 64);
    const sha256 = createHash("sha256").update(png).digest("hex");
    const { logo } = await callerFor(db, admin).organizations.logo.set({
      organizationId: organization.handle,
      image: asDataUrl("image/png", png),
    });
    expect(logo).toEqual({
      url: `/api/logos/${sha256}`,
      contentType: "image/png",
      size: png.length,
      width: 64,
      height: 64,
    });

    // Every view of the organization carries the URL.
    expect(
      (await callerFor(db, member).organizations.get({ organizationId: organization.id })).organization.logoUrl,
    ).toBe(logo.url);
    const listed = await callerFor(db, owner).organizations.list();
    expect(listed.organizations[0]!.logoUrl).toBe(logo.url);
    const memberships = await callerFor(db, member).organizations.memberships.listByUser();
    expect(memberships.memberships[0]!.organization.logoUrl).toBe(logo.url);
    const invited = await callerFor(db, owner).organizations.invitations.create({
      organizationId: organization.id,
      email: "new@example.com",
    });
    const preview = await callerFor(db, null).organizations.invitations.preview({ token: invited.token });
    expect(preview.invitation.organization.logoUrl).toBe(logo.url);

    // The invitation email shows it by absolute URL.
    const email = await db.prisma.emailOutbox.findFirstOrThrow({ where: { to: "new@example.com" } });
    expect(openBody(testConfig.secrets.current, email.html!)).toContain(
      `<img src="http://tenancy.test/api/logos/${sha256}"`,
    );

    // Served by hash, cacheable for good.
    const served = await get(logo.url);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(served.headers.get("etag")).toBe(`"${sha256}"`);
    expect(served.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(served.headers.get("x-content-type-options")).toBe("nosniff");
    expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);
    expect((await get(logo.url, { "if-none-match": `"${sha256}"` })).status).toBe(304);
    expect((await get(logo.url, { "if-none-match": `"other"` })).status).toBe(200);
    const head = await get(logo.url, {}, "HEAD");
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    expect((await get(`/api/logos/${"0".repeat(64)}`)).status).toBe(404);
    expect((await get("/api/logos/not-a-hash")).status).toBe(404);

    const events = await callerFor(db, owner).organizations.audit.list({
      organizationId: organization.id,
      actionGroup: "organization",
    });
    expect(events.events[0]).toMatchObject({
      action: "organization.logo_updated",
      metadata: { contentType: "image/png", width: 64, height: 64, size: png.length, sha256 },
    });
  });

  it("replaces and removes the logo; the initials come back and the old URL stops serving", async () => {
    const { organization, owner } = await createOrganizationWithRoles(db, "Swap Co");
    const asOwner = callerFor(db, owner);
    const first = await asOwner.organizations.logo.set({
      organizationId: organization.id,
      image: pngImage(32, 32).toString("base64"),
      contentType: "image/png",
    });
    const second = await asOwner.organizations.logo.set({
      organizationId: organization.id,
      image: asDataUrl("image/jpeg", jpegHeader(300, 200)),
    });
    expect(second.logo).toMatchObject({ contentType: "image/jpeg", width: 300, height: 200 });
    expect(second.logo.url).not.toBe(first.logo.url);
    expect((await get(first.logo.url)).status).toBe(404);
    expect(await db.prisma.organizationLogo.count()).toBe(1);

    expect(await asOwner.organizations.logo.remove({ organizationId: organization.id })).toEqual({ ok: true });
    expect((await asOwner.organizations.get({ organizationId: organization.id })).organization.logoUrl).toBeNull();
    expect((await get(second.logo.url)).status).toBe(404);
    // Removing again changes nothing and records nothing.
    const before = await db.prisma.auditEvent.count();
    await asOwner.organizations.logo.remove({ organizationId: organization.id });
    expect(await db.prisma.auditEvent.count()).toBe(before);

    const invited = await asOwner.organizations.invitations.create({
      organizationId: organization.id,
      email: "x@example.com",
    });
    expect(invited.invitation.email).toBe("x@example.com");
    const email = await db.prisma.emailOutbox.findFirstOrThrow({ where: { to: "x@example.com" } });
    const html = openBody(testConfig.secrets.current, email.html!);
    expect(html).not.toContain("<img");
    expect(html).toContain(">SC</span>");
  });

  it("sniffs the bytes: refuses SVG, non-images, lies about the type, oversized and odd-sized images, and bad base64", async () => {
    const { organization, owner } = await createOrganizationWithRoles(db);
    const asOwner = callerFor(db, owner);
    const set = (image: string, contentType?: string) =>
      failureOf(asOwner.organizations.logo.set({ organizationId: organization.id, image, contentType }));
    const png = pngImage(32, 32);
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const cases: [Promise<Awaited<ReturnType<typeof set>>>, string, RegExp][] = [
      [set(asDataUrl("image/svg+xml", svg)), "image_invalid", /PNG, JPEG, GIF or WebP/],
      [set(Buffer.from("just text").toString("base64")), "image_invalid", /PNG, JPEG, GIF or WebP/],
      // A PNG that claims to be a GIF (or the other way round) is refused, whichever claim lies.
      [
        set(asDataUrl("image/gif", pngImage(32, 32))),
        "image_invalid",
        /says it is image\/gif but its content is image\/png/,
      ],
      [set(pngImage(32, 32).toString("base64"), "image/webp"), "image_invalid", /says it is image\/webp/],
      [set(asDataUrl("image/png", gifHeader(8, 8))), "image_invalid", /says it is image\/png/],
      [set(asDataUrl("image/gif", gifHeader(8, 8))), "image_invalid", /between 16 and 2048 pixels/],
      [set(asDataUrl("image/webp", webpHeader(4000, 100))), "image_invalid", /4000×100/],
      [
        set(Buffer.concat([png, Buffer.alloc(LOGO_MAX_BYTES + 1 - png.length)]).toString("base64")),
        "image_too_large",
        /256 KB/,
      ],
      [set("not base64 at all!"), "image_invalid", /not valid base64/],
      [set("data:image/png,rawbytes"), "image_invalid", /base64/],
    ];
    for (const [failure, reason, message] of cases) {
      expect(await failure).toMatchObject({ code: "BAD_REQUEST", reason, message: expect.stringMatching(message) });
    }
    // Far too long to even read: refused by the input schema.
    expect(await set("A".repeat(400_000))).toMatchObject({ code: "BAD_REQUEST", reason: "invalid_input" });
    expect(await db.prisma.organizationLogo.count()).toBe(0);
    expect((await asOwner.organizations.get({ organizationId: organization.id })).organization.logoUrl).toBeNull();
  });

  it("needs org:manage on an active organization: members FORBIDDEN, outsiders NOT_FOUND, inactive refused", async () => {
    const { organization, owner, member } = await createOrganizationWithRoles(db);
    const image = pngImage(20, 20).toString("base64");
    expect(
      await failureOf(callerFor(db, member).organizations.logo.set({ organizationId: organization.id, image })),
    ).toMatchObject({ code: "FORBIDDEN", reason: "permission_denied" });
    expect(
      await failureOf(
        callerFor(db, await createUser(db)).organizations.logo.remove({ organizationId: organization.id }),
      ),
    ).toMatchObject({ code: "NOT_FOUND", reason: "organization_not_found" });
    await callerFor(db, owner).organizations.update({ organizationId: organization.id, active: false });
    expect(
      await failureOf(callerFor(db, owner).organizations.logo.set({ organizationId: organization.id, image })),
    ).toMatchObject({ code: "FORBIDDEN", reason: "organization_inactive" });
  });
});

describe("sniffImage", () => {
  it("reads type and size from PNG, JPEG, GIF and the three WebP flavours, and nothing else", () => {
    expect(sniffImage(pngImage(3, 5))).toEqual({ type: "image/png", width: 3, height: 5 });
    expect(sniffImage(jpegHeader(640, 480))).toEqual({ type: "image/jpeg", width: 640, height: 480 });
    expect(sniffImage(gifHeader(17, 9))).toEqual({ type: "image/gif", width: 17, height: 9 });
    expect(sniffImage(webpHeader(100, 50))).toEqual({ type: "image/webp", width: 100, height: 50 });
    const lossy = Buffer.alloc(30);
    lossy.write("RIFF", 0, "ascii");
    lossy.write("WEBPVP8 ", 8, "ascii");
    lossy.set([0x9d, 0x01, 0x2a], 23);
    lossy.writeUInt16LE(120, 26);
    lossy.writeUInt16LE(80, 28);
    expect(sniffImage(lossy)).toEqual({ type: "image/webp", width: 120, height: 80 });
    const lossless = Buffer.alloc(30);
    lossless.write("RIFF", 0, "ascii");
    lossless.write("WEBPVP8L", 8, "ascii");
    lossless[20] = 0x2f;
    lossless.writeUInt32LE((99 & 0x3fff) | ((49 & 0x3fff) << 14), 21);
    expect(sniffImage(lossless)).toEqual({ type: "image/webp", width: 100, height: 50 });
    // A JPEG whose scan starts before any frame header, a truncated PNG, an SVG: not images we take.
    expect(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x08, 0, 0, 0, 0, 0, 0]))).toBeNull();
    expect(sniffImage(pngImage(3, 5).subarray(0, 20))).toBeNull();
    expect(sniffImage(Buffer.from("<svg/>"))).toBeNull();
    expect(checkLogo(jpegHeader(64, 64), "image/jpg")).toMatchObject({ ok: true });
  });
});
