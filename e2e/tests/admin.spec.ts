import { expect, test } from "@playwright/test";

import {
  createOrgViaApi,
  expectNoSeriousA11yViolations,
  operatorUser,
  pathOf,
  screenshot,
  signedUpUser,
  uniqueHandle,
  v1,
  verifyEmailViaMailbox,
} from "./support";

// The Admin area: an instance admin (the run's operator, a default-instance owner through
// TENANCY_OPERATOR_EMAILS) finds an organization they are not a member of, invites someone into it
// with the seed's sort and glob filter on the list, and the invitee accepts from the emailed link.
test("an instance admin invites into an organization from the Admin area, and the invitee accepts", async ({
  browser,
  baseURL,
}) => {
  const admin = await operatorUser(browser, baseURL!);
  const owner = await signedUpUser(browser, baseURL!, "adminorgowner", "Otto Owner");
  const org = await createOrgViaApi(owner, baseURL!, `Admin Co ${uniqueHandle("a").slice(-6)}`);
  const invitee = await signedUpUser(browser, baseURL!, "admininvitee", "Ida Invitee");
  await verifyEmailViaMailbox(invitee);
  const page = admin.page;

  await test.step("the admin opens Admin from the account menu and finds the organization", async () => {
    await page.goto("/");
    await page.getByTestId("user-menu").click();
    await page.getByRole("menuitem", { name: "Admin" }).click();
    await expect(page).toHaveURL(/\/admin$/);
    await expect(page.getByRole("heading", { name: "Admin", level: 1 })).toBeVisible();
    await page.getByLabel("Name or handle").fill(org.handle);
    const row = page.getByTestId(`admin-org-${org.handle}`);
    await expect(row).toContainText(org.name);
    await expect(row).toContainText("Active");
    await expect(page.getByRole("table", { name: "Organizations" }).getByRole("row")).toHaveCount(2);
    await row.getByRole("button", { name: `Invitations of ${org.name}` }).click();
  });

  await test.step("the admin invites two people; the list sorts and filters with globs", async () => {
    const invitations = page.getByTestId("admin-invitations");
    await invitations.getByLabel("Email", { exact: true }).fill(invitee.email);
    await invitations.getByLabel("Role", { exact: true }).selectOption("admin");
    await invitations.getByRole("button", { name: "Send invitation" }).click();
    const table = page.getByRole("table", { name: `Invitations of ${org.name}` });
    await expect(table.getByRole("row").filter({ hasText: invitee.email })).toContainText("admin");
    await invitations.getByLabel("Email", { exact: true }).fill("zed@example.test");
    await invitations.getByRole("button", { name: "Send invitation" }).click();
    await expect(table.getByRole("row")).toHaveCount(3);

    await invitations.getByLabel("Sort by").selectOption("email");
    await invitations.getByLabel("Direction").selectOption("desc");
    await expect(table.getByRole("row").nth(1)).toContainText("zed@example.test");
    await invitations.getByLabel("Filter on").selectOption("email");
    await invitations.getByLabel("Filter (* and ? glob)").fill("admininvitee*");
    await expect(table.getByRole("row")).toHaveCount(2);
    await expect(table.getByRole("row").nth(1)).toContainText(invitee.email);
    await screenshot(page, "admin-invitations");
    await expectNoSeriousA11yViolations(page, test.info(), "admin-invitations");
  });

  await test.step("the invitee accepts from the emailed link and joins with the invited role", async () => {
    const inviteePage = invitee.page;
    await inviteePage.goto(`/dev/mailbox?to=${encodeURIComponent(invitee.email)}`);
    const link = inviteePage.getByTestId("mailbox-email").getByRole("link", { name: /\/invite\// });
    const acceptPath = pathOf((await link.first().getAttribute("href"))!);
    await inviteePage.goto(acceptPath);
    await inviteePage.getByRole("button", { name: `Accept and join ${org.name}` }).click();
    await expect(inviteePage).toHaveURL(new RegExp(`/orgs/${org.handle}$`));
    await expect(inviteePage.getByTestId("overview-role")).toHaveText("Admin");
  });

  await test.step("the organization's log names the instance admin and their instance role", async () => {
    await owner.page.goto(`/orgs/${org.handle}/audit`);
    await expect(owner.page.getByText("Olga Operator").or(owner.page.getByText(admin.email)).first()).toBeVisible();
  });

  await admin.context.close();
  await owner.context.close();
  await invitee.context.close();
});

test("a token minted with a scope from the picker reads members and is refused the rest", async ({
  browser,
  baseURL,
  request,
}) => {
  const owner = await signedUpUser(browser, baseURL!, "scopeowner", "Sol Owner");
  const org = await createOrgViaApi(owner, baseURL!, "Scope Co");
  const page = owner.page;
  await page.goto(`/orgs/${org.handle}/tokens`);
  await page.getByRole("button", { name: "Create token" }).click();
  const dialog = page.getByRole("dialog", { name: "Create an API token" });
  await dialog.getByLabel("Name").fill("Members reader");
  await dialog.getByRole("checkbox", { name: "members.read" }).check();
  await dialog.getByRole("button", { name: "Create token" }).click();
  const bearer = (await page.getByLabel("Bearer token").textContent())!.trim();
  await page.getByRole("button", { name: "Done" }).click();
  const row = page.getByRole("table", { name: "API tokens" }).getByRole("row").filter({ hasText: "Members reader" });
  await expect(row.getByTestId("token-scopes")).toHaveText("members.read");

  const members = await v1(request, baseURL!, "members/list", { organizationId: org.handle }, bearer);
  expect(members.status, JSON.stringify(members.json)).toBe(200);
  const update = await v1(request, baseURL!, "update", { organizationId: org.handle, name: "Nope" }, bearer);
  expect(update.status).toBe(403);
  expect((update.json as { error: { code: string } }).error.code).toBe("insufficient_scope");
  await owner.context.close();
});
