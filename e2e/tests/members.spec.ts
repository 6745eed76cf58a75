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

test("a role change in the members table sticks, and the last owner can neither demote themselves nor leave", async ({
  browser,
  baseURL,
}) => {
  const owner = await signedUpUser(browser, baseURL!, "owner", "Olive Owner");
  const org = await createOrgViaApi(owner, baseURL!, "Roles Co");
  const member = await signedUpUser(browser, baseURL!, "mia", "Mia Member");
  await addMemberViaApi(owner, member, baseURL!, org);
  const page = owner.page;
  const table = page.getByRole("table", { name: "Members" });

  await test.step("the owner promotes the member to admin", async () => {
    await page.goto(`/orgs/${org.handle}/members`);
    const roleOfMia = table.getByRole("combobox", { name: "Role of Mia Member" });
    await expect(roleOfMia).toHaveText("Member");
    await chooseOption(page, roleOfMia, "Admin");
    await expect(page.getByText("Mia Member is now Admin")).toBeVisible();
    await page.reload();
    await expect(table.getByRole("combobox", { name: "Role of Mia Member" })).toHaveText("Admin");
    // The promoted user sees it too.
    const { role } = await v1Ok<{ role: string }>(member, baseURL!, "get", { organizationId: org.id });
    expect(role).toBe("admin");
  });

  await test.step("the sole owner trying to demote themselves is refused in words", async () => {
    const ownRole = table.getByRole("combobox", { name: "Role of Olive Owner" });
    await expect(ownRole).toHaveText("Owner");
    await chooseOption(page, ownRole, "Member");
    await expect(page.getByTestId("members-error")).toContainText(
      "An organization needs at least one owner. Make someone else an owner first.",
    );
    await screenshot(page, "members-last-owner-refused");
    await expectNoSeriousA11yViolations(page, test.info(), "members-last-owner-refused");
    await page.reload();
    await expect(table.getByRole("combobox", { name: "Role of Olive Owner" })).toHaveText("Owner");
  });

  await test.step("the sole owner trying to leave is refused in words", async () => {
    await table.getByRole("button", { name: "Leave the organization" }).click();
    const confirm = page.getByRole("alertdialog", { name: `Leave ${org.name}?` });
    await confirm.getByRole("button", { name: "Leave organization" }).click();
    await expect(page.getByTestId("members-error")).toContainText("An organization needs at least one owner.");
    await expect(page).toHaveURL(new RegExp(`/orgs/${org.handle}/members$`));
    await page.reload();
    await expect(table.getByRole("row").filter({ hasText: owner.email })).toBeVisible();
  });

  await owner.context.close();
  await member.context.close();
});
