import { expect, test } from "@playwright/test";

import { createOrgViaApi, expectNoSeriousA11yViolations, screenshot, signedUpUser, v1 } from "./support";

test("a token minted in the tokens page works as a bearer against POST /v1/organizations/get", async ({
  browser,
  baseURL,
  request,
}) => {
  const admin = await signedUpUser(browser, baseURL!, "tokenadmin", "Tia Admin");
  const org = await createOrgViaApi(admin, baseURL!, "Token Co");
  const page = admin.page;

  let bearer = "";
  await test.step("the admin mints a token and sees the bearer once", async () => {
    await page.goto(`/orgs/${org.handle}/tokens`);
    await page.getByRole("button", { name: "Create token" }).click();
    const dialog = page.getByRole("dialog", { name: "Create an API token" });
    await dialog.getByLabel("Name").fill("Deploy bot");
    await dialog.getByRole("button", { name: "Create token" }).click();
    const secret = page.getByLabel("Bearer token");
    await expect(secret).toBeVisible();
    bearer = (await secret.textContent())!.trim();
    expect(bearer).toMatch(/^tnc_live_[a-z0-9]+:\S+$/);
    await screenshot(page, "token-created");
    await expectNoSeriousA11yViolations(page, test.info(), "token-created");
    await page.getByRole("button", { name: "Done" }).click();
    await expect(page.getByRole("dialog")).toHaveCount(0);
    // Listed without its secret.
    const table = page.getByRole("table", { name: "API tokens" });
    await expect(table.getByRole("row").filter({ hasText: "Deploy bot" })).toBeVisible();
    await expect(table).not.toContainText(bearer.split(":")[1]!);
  });

  await test.step("the bearer reads the organization over /v1; no bearer, no access", async () => {
    // `request` is a fresh API context: no session cookie, only the token.
    const ok = await v1(request, baseURL!, "get", { organizationId: org.handle }, bearer);
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    const organization = (ok.json as { organization: { id: string; handle: string; name: string } }).organization;
    expect(organization).toMatchObject({ id: org.id, handle: org.handle, name: org.name });

    const anonymous = await v1(request, baseURL!, "get", { organizationId: org.handle });
    expect(anonymous.status).toBe(401);
    const wrongSecret = await v1(
      request,
      baseURL!,
      "get",
      { organizationId: org.handle },
      `${bearer.split(":")[0]}:not-the-secret`,
    );
    expect(wrongSecret.status).toBe(401);
  });

  await admin.context.close();
});
