import { expect, test } from "@playwright/test";

import { createOrgViaApi, expectNoSeriousA11yViolations, screenshot, signedUpUser } from "./support";

test("a join code with max uses 1 lets one user in and refuses the next with a clear message", async ({
  browser,
  baseURL,
}) => {
  const admin = await signedUpUser(browser, baseURL!, "admin", "Jo Admin");
  const org = await createOrgViaApi(admin, baseURL!, "Join Code Co");
  const third = await signedUpUser(browser, baseURL!, "carol", "Carol Third");
  const fourth = await signedUpUser(browser, baseURL!, "dave", "Dave Fourth");

  let code = "";
  await test.step("the admin creates a single-use join code and sees it once", async () => {
    const page = admin.page;
    await page.goto(`/orgs/${org.handle}/join-codes`);
    await page.getByRole("button", { name: "Create join code" }).click();
    const dialog = page.getByRole("dialog", { name: "Create a join code" });
    await dialog.getByLabel("Maximum uses").fill("1");
    await dialog.getByRole("button", { name: "Create code" }).click();
    const reveal = page.getByRole("dialog", { name: "Join code created" });
    await expect(reveal).toContainText("a single use");
    code = (await reveal.getByTestId("join-code-value").textContent())!.trim();
    expect(code).toMatch(/^[A-Z0-9-]{8,}$/);
    await screenshot(page, "join-code-created");
    await expectNoSeriousA11yViolations(page, test.info(), "join-code-created");
    await reveal.getByRole("button", { name: "Done" }).click();
    await expect(page.getByRole("dialog")).toHaveCount(0);
    const rows = page.getByRole("table", { name: "Join codes" }).getByRole("row");
    await expect(rows).toHaveCount(2); // header + the new code
    await expect(rows.nth(1).getByTestId("join-code-uses")).toHaveText("0 / 1");
  });

  await test.step("a third user joins with the code at /join and lands in the org", async () => {
    const page = third.page;
    await page.goto("/join");
    await page.getByLabel("Join code").fill(code);
    await page.getByRole("button", { name: "Join organization" }).click();
    await expect(page).toHaveURL(new RegExp(`/orgs/${org.handle}$`));
    await expect(page.getByTestId("org-name")).toHaveText(org.name);
    await expect(page.getByTestId("overview-role")).toHaveText("Member");
  });

  await test.step("a fourth user is refused: the code reached its maximum number of uses", async () => {
    const page = fourth.page;
    await page.goto(`/join?code=${encodeURIComponent(code)}`);
    await expect(page.getByLabel("Join code")).toHaveValue(code);
    await page.getByRole("button", { name: "Join organization" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "maximum number of uses" })).toHaveText(
      "That code has reached its maximum number of uses.",
    );
    await expect(page).toHaveURL(/\/join\?/);
    // Not a member: the org's pages are not theirs to see.
    await page.goto(`/orgs/${org.handle}`);
    await expect(page.getByRole("heading", { name: "Organization not found" })).toBeVisible();
  });

  await test.step("the admin sees the code used up and the third user among the members", async () => {
    const page = admin.page;
    await page.reload();
    const row = page.getByRole("table", { name: "Join codes" }).getByRole("row").nth(1);
    await expect(row.getByTestId("join-code-uses")).toHaveText("1 / 1");
    await page.goto(`/orgs/${org.handle}/members`);
    const members = page.getByRole("table", { name: "Members" });
    await expect(members.getByRole("row").filter({ hasText: third.email })).toBeVisible();
    await expect(members.getByRole("row").filter({ hasText: fourth.email })).toHaveCount(0);
  });

  for (const user of [admin, third, fourth]) await user.context.close();
});
