import { expect, test } from "@playwright/test";

import {
  addMemberViaApi,
  chooseOption,
  createOrgViaApi,
  expectNoSeriousA11yViolations,
  screenshot,
  signedUpUser,
  v1Ok,
} from "./support";

test("an owner creates a support role, gives it to a member, and the member sees exactly what it allows", async ({
  browser,
  baseURL,
}) => {
  const owner = await signedUpUser(browser, baseURL!, "owner", "Olive Owner");
  const org = await createOrgViaApi(owner, baseURL!, "Support Co");
  const member = await signedUpUser(browser, baseURL!, "sam", "Sam Support");
  await addMemberViaApi(owner, member, baseURL!, org);
  const page = owner.page;

  await test.step("the owner creates the role from the permission checklist", async () => {
    await page.goto(`/orgs/${org.handle}/roles`);
    await page.getByTestId("role-create").click();
    const dialog = page.getByRole("dialog", { name: "New role" });
    await dialog.getByLabel("Name", { exact: true }).fill("Support");
    await expect(dialog.getByLabel("Key", { exact: true })).toHaveValue("support");
    await dialog.getByLabel("Description", { exact: true }).fill("Sees members and the audit log; changes nothing.");
    await dialog.getByTestId("role-permission-members:view").check();
    await dialog.getByTestId("role-permission-audit:view").check();
    await screenshot(page, "custom-role-create");
    await expectNoSeriousA11yViolations(page, test.info(), "custom-role-create");
    await dialog.getByRole("button", { name: "Create role" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId("role-support")).toContainText("Support");
    await expect(page.getByTestId("role-usage-support")).toHaveText("0 members");
    const auditRow = page.getByTestId("permission-audit:view");
    await expect(auditRow.locator('[data-role="support"]')).toContainText("Allowed");
    await expect(page.getByTestId("permission-members:manage").locator('[data-role="support"]')).toContainText(
      "Not allowed",
    );
  });

  await test.step("the owner gives it to the member in the members table", async () => {
    await page.goto(`/orgs/${org.handle}/members`);
    const roleOfSam = page
      .getByRole("table", { name: "Members" })
      .getByRole("combobox", { name: "Role of Sam Support" });
    await chooseOption(page, roleOfSam, "Support");
    await expect(page.getByText("Sam Support is now Support")).toBeVisible();
    const { role, permissions } = await v1Ok<{ role: string; permissions: string[] }>(member, baseURL!, "get", {
      organizationId: org.id,
    });
    expect(role).toBe("support");
    expect([...permissions].sort()).toEqual(["audit:view", "members:view", "org:view"]);
  });

  await test.step("the member sees members and the audit log, and nothing else", async () => {
    const memberPage = member.page;
    await memberPage.goto(`/orgs/${org.handle}`);
    await expect(memberPage.getByTestId("overview-role")).toContainText("Support");
    // Its name, not its key, wherever the role shows: the header, the switcher and the account page.
    await expect(memberPage.getByTestId("org-header-role")).toHaveText("Support");
    await memberPage.getByTestId("org-switcher").click();
    await expect(memberPage.getByTestId(`org-switcher-item-${org.handle}`)).toContainText("Support");
    await memberPage.keyboard.press("Escape");
    const nav = memberPage.getByRole("navigation", { name: "Organization" });
    await expect(nav.getByRole("link")).toHaveText(["Overview", "Members", "Roles", "Audit log"]);
    await nav.getByRole("link", { name: "Members" }).click();
    const table = memberPage.getByRole("table", { name: "Members" });
    await expect(table.getByRole("row").filter({ hasText: owner.email })).toBeVisible();
    await expect(table.getByRole("combobox")).toHaveCount(0);
    await nav.getByRole("link", { name: "Audit log" }).click();
    await expect(memberPage.getByText("created the role Support")).toBeVisible();
    await memberPage.goto(`/orgs/${org.handle}/invitations`);
    await expect(memberPage.getByTestId("no-access")).toContainText("Your role can't view invitations");
    await memberPage.goto(`/orgs/${org.handle}/roles`);
    await expect(memberPage.getByTestId("role-support")).toBeVisible();
    await expect(memberPage.getByTestId("role-create")).toHaveCount(0);
    await memberPage.goto("/account");
    await expect(memberPage.getByTestId("membership-role")).toHaveText("Support");
  });

  const joiner = await signedUpUser(browser, baseURL!, "jo", "Jo Joiner");
  await test.step("someone who joins with a code for the role is told its name, not its key", async () => {
    const { code } = await v1Ok<{ code: string }>(owner, baseURL!, "join-codes/create", {
      organizationId: org.id,
      role: "support",
    });
    await joiner.page.goto("/join");
    await joiner.page.getByLabel("Join code").fill(code);
    await joiner.page.getByRole("button", { name: "Join organization" }).click();
    await expect(joiner.page.getByText(`You joined ${org.name} as a Support.`)).toBeVisible();
    await expect(joiner.page).toHaveURL(new RegExp(`/orgs/${org.handle}$`));
    await expect(joiner.page.getByTestId("overview-role")).toContainText("Support");
  });

  await test.step("the owner deletes the role, moving its holders to viewer", async () => {
    await page.goto(`/orgs/${org.handle}/roles`);
    await expect(page.getByTestId("role-usage-support")).toHaveText("2 members, 1 join code");
    await page.getByTestId("role-delete-support").click();
    const confirm = page.getByRole("alertdialog", { name: "Delete Support?" });
    await chooseOption(page, confirm.getByRole("combobox", { name: "Reassign to" }), "Viewer");
    await confirm.getByRole("button", { name: "Delete role" }).click();
    await expect(confirm).toBeHidden();
    await expect(page.getByTestId("role-support")).toHaveCount(0);
    const { role } = await v1Ok<{ role: string }>(member, baseURL!, "get", { organizationId: org.id });
    expect(role).toBe("viewer");
  });

  await owner.context.close();
  await member.context.close();
  await joiner.context.close();
});
