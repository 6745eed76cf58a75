import { expect, test, type Page } from "@playwright/test";

import {
  createOrgViaApi,
  expectNoSeriousA11yViolations,
  inviteViaApi,
  newVisitor,
  pathOf,
  screenshot,
  signedUpUser,
  uniqueEmail,
} from "./support";

/** A real PNG drawn by the browser's canvas (a blue tile with an orange disc). */
async function drawnPng(page: Page, size: number): Promise<Buffer> {
  const dataUrl = await page.evaluate((side) => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = side;
    const context = canvas.getContext("2d")!;
    context.fillStyle = "#1d4ed8";
    context.fillRect(0, 0, side, side);
    context.fillStyle = "#f97316";
    context.beginPath();
    context.arc(side / 2, side / 2, side / 3, 0, Math.PI * 2);
    context.fill();
    return canvas.toDataURL("image/png");
  }, size);
  return Buffer.from(dataUrl.split(",")[1]!, "base64");
}

test("an owner uploads a logo: it shows in the header, the switcher and the invitation page, served cacheable", async ({
  browser,
  baseURL,
}) => {
  const owner = await signedUpUser(browser, baseURL!, "logo", "Lola Logo");
  const org = await createOrgViaApi(owner, baseURL!, "Logo Labs");
  const page = owner.page;
  await page.goto(`/orgs/${org.handle}/settings`);
  const card = page.getByTestId("organization-logo-settings");
  const header = page.getByTestId("org-header");

  await test.step("a file that is not an image is refused before upload", async () => {
    await card.getByTestId("logo-file-input").setInputFiles({
      name: "logo.png",
      mimeType: "image/png",
      buffer: Buffer.from("definitely not a png"),
    });
    await expect(card.getByTestId("logo-error")).toHaveText("Use a PNG, JPEG, GIF or WebP image.");
    await expect(header.getByTestId("org-logo")).toHaveCount(0);
  });

  let logoUrl = "";
  await test.step("a PNG is uploaded and replaces the initials in the header and the switcher", async () => {
    await expect(header.getByTestId("org-initials").first()).toHaveText("LL");
    await card.getByTestId("logo-file-input").setInputFiles({
      name: "logo.png",
      mimeType: "image/png",
      buffer: await drawnPng(page, 96),
    });
    await expect(page.getByText("Logo updated")).toBeVisible();
    const headerLogo = header.getByTestId("org-logo").first();
    await expect(headerLogo).toBeVisible();
    logoUrl = (await headerLogo.getAttribute("src"))!;
    expect(logoUrl).toMatch(/^\/api\/logos\/[0-9a-f]{64}$/);
    // It loaded: the browser decoded a 96×96 image.
    await expect.poll(() => headerLogo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(96);
    await expect(page.getByTestId("org-switcher").getByTestId("org-logo")).toHaveAttribute("src", logoUrl);
    await expect(card.getByRole("button", { name: "Replace logo" })).toBeVisible();
    await screenshot(page, "settings-logo");
    await expectNoSeriousA11yViolations(page, test.info(), "settings-logo");
  });

  await test.step("the logo is served with an ETag and immutable caching", async () => {
    const response = await page.request.get(logoUrl, { headers: { connection: "close" } });
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toBe("image/png");
    expect(response.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
    const etag = response.headers()["etag"]!;
    expect(etag).toBe(`"${logoUrl.split("/").pop()}"`);
    const again = await page.request.get(logoUrl, { headers: { "if-none-match": etag, connection: "close" } });
    expect(again.status()).toBe(304);
  });

  await test.step("an invitee who is not signed in sees it on the invitation page", async () => {
    const { context, page: visitor } = await newVisitor(browser);
    await visitor.goto(pathOf(await inviteViaApi(owner, baseURL!, org, uniqueEmail("seer"))));
    await expect(visitor.getByTestId("invite-state-pending").getByTestId("org-logo")).toHaveAttribute("src", logoUrl);
    await context.close();
  });

  await test.step("removing it brings the initials back", async () => {
    await card.getByRole("button", { name: "Remove" }).click();
    await expect(page.getByText("Logo removed")).toBeVisible();
    await expect(header.getByTestId("org-logo")).toHaveCount(0);
    await expect(header.getByTestId("org-initials").first()).toHaveText("LL");
  });

  await owner.context.close();
});
