import { expect, test, type Page } from "@playwright/test";

import {
  addMemberViaApi,
  chooseOption,
  createOrgViaApi,
  expectNoSeriousA11yViolations,
  screenshot,
  signedUpUser,
  uniqueEmail,
  v1Ok,
  type TestOrg,
  type TestUser,
} from "./support";

/** One organization for the file: an owner, a member and a viewer (sign-ups are reused across the tests). */
let owner: TestUser;
let member: TestUser;
let viewer: TestUser;
let org: TestOrg;

test.beforeAll(async ({ browser }) => {
  const baseURL = process.env.E2E_BASE_URL!;
  owner = await signedUpUser(browser, baseURL, "owner", "Olive Owner");
  org = await createOrgViaApi(owner, baseURL, "Roles Co");
  member = await signedUpUser(browser, baseURL, "mia", "Mia Member");
  viewer = await signedUpUser(browser, baseURL, "vic", "Vic Viewer");
  await addMemberViaApi(owner, member, baseURL, org);
  await addMemberViaApi(owner, viewer, baseURL, org, "viewer");
});

test.afterAll(async () => {
  for (const user of [owner, member, viewer]) await user?.context.close();
});

test("the only owner's role and leave controls are disabled up front, with the reason; a second owner enables them", async ({
  baseURL,
}) => {
  const page = owner.page;
  const table = page.getByRole("table", { name: "Members" });
  const reason = page.getByTestId("members-last-owner-reason");

  await test.step("the owner promotes the member to admin; the change sticks", async () => {
    await page.goto(`/orgs/${org.handle}/members`);
    const roleOfMia = table.getByRole("combobox", { name: "Role of Mia Member" });
    await expect(roleOfMia).toHaveText("Member");
    await chooseOption(page, roleOfMia, "Admin");
    await expect(page.getByText("Mia Member is now Admin")).toBeVisible();
    await page.reload();
    await expect(table.getByRole("combobox", { name: "Role of Mia Member" })).toHaveText("Admin");
    const { role } = await v1Ok<{ role: string }>(member, baseURL!, "get", { organizationId: org.id });
    expect(role).toBe("admin");
  });

  await test.step("as the only owner, demote and leave are disabled and described by the reason", async () => {
    await expect(reason).toHaveText(
      "You're the only owner, so you can't change your own role or leave. Make another member an owner first.",
    );
    const ownRole = table.getByRole("combobox", { name: "Role of Olive Owner" });
    await expect(ownRole).toBeDisabled();
    await expect(ownRole).toHaveAccessibleDescription(/You're the only owner/);
    const leave = table.getByRole("button", { name: "Leave the organization" });
    await expect(leave).toHaveAttribute("aria-disabled", "true");
    await expect(leave).toHaveAccessibleDescription(/You're the only owner/);
    // Clicking it anyway (Playwright waits for enabled controls: force the click) does nothing.
    await leave.click({ force: true });
    await expect(page.getByRole("alertdialog")).toHaveCount(0);
    await expect(page.getByTestId("members-error")).toHaveCount(0);
    await screenshot(page, "members-last-owner");
    await expectNoSeriousA11yViolations(page, test.info(), "members-last-owner");
  });

  await test.step("with a second owner, both controls are enabled again", async () => {
    await chooseOption(page, table.getByRole("combobox", { name: "Role of Mia Member" }), "Owner");
    await expect(page.getByText("Mia Member is now Owner")).toBeVisible();
    await expect(reason).toHaveCount(0);
    await expect(table.getByRole("combobox", { name: "Role of Olive Owner" })).toBeEnabled();
    await expect(table.getByRole("button", { name: "Leave the organization" })).not.toHaveAttribute(
      "aria-disabled",
      "true",
    );
    // Back to one owner for the other tests.
    await v1Ok(owner, baseURL!, "members/set-role", {
      organizationId: org.id,
      userId: await userIdOf(member),
      role: "admin",
    });
  });
});

/** A member's user id, as the owner reads it from the members list. */
async function userIdOf(user: TestUser): Promise<string> {
  const { members } = await v1Ok<{ members: { userId: string; email: string }[] }>(
    owner,
    process.env.E2E_BASE_URL!,
    "members/list",
    { organizationId: org.id, search: user.email },
  );
  return members.find((m) => m.email === user.email)!.userId;
}

test("admins invite from the members page and see the pending invitations there", async () => {
  const page = owner.page;
  const email = uniqueEmail("newbie");
  await page.goto(`/orgs/${org.handle}/members`);
  await page.getByRole("button", { name: "Invite people" }).click();
  const dialog = page.getByRole("dialog", { name: "Invite people" });
  await dialog.getByLabel("Email addresses").fill(email);
  await dialog.getByRole("button", { name: "Send invitation" }).click();
  await expect(dialog.getByTestId(`invite-result-${email}`)).toHaveAttribute("data-ok", "true");
  await expectNoSeriousA11yViolations(page, test.info(), "members-invite-dialog");
  await page.keyboard.press("Escape");
  const pending = page.getByRole("region", { name: "Pending invitations" });
  await expect(pending.getByRole("row").filter({ hasText: email })).toBeVisible();
});

test("a viewer is told they can't view the members, and no tab claims the page", async () => {
  const page = viewer.page;
  await page.goto(`/orgs/${org.handle}/members`);
  await expect(page.getByTestId("no-access")).toContainText("Your role can't view the members");
  const nav = page.getByRole("navigation", { name: "Organization" });
  await expect(nav.locator('[aria-current="page"]')).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Members" })).toHaveCount(0);
  await page.goto(`/orgs/${org.handle}`);
  await expect(nav.getByRole("link", { name: "Overview" })).toHaveAttribute("aria-current", "page");
});

/** Nothing on the page is wider than the screen (no sideways scrolling of the whole page). */
async function expectNoPageOverflow(page: Page) {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  expect(scrollWidth, "page wider than the screen").toBeLessThanOrEqual(clientWidth);
}

test("on a 390 px phone the members page fits: names, the You badge, roles and row actions; the tabs scroll with a cue", async () => {
  const page = owner.page;
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    await page.goto(`/orgs/${org.handle}/members`);
    const table = page.getByRole("table", { name: "Members" });
    await expect(table.getByRole("row")).toHaveCount(4);
    await expectNoPageOverflow(page);
    const you = table.getByTestId("members-you");
    await expect(you).toHaveText("You");
    // Not cut: the badge is as wide as its text needs.
    expect(await you.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    const viewport = page.viewportSize()!;
    for (const control of [
      table.getByRole("button", { name: "Remove Mia Member" }),
      table.getByRole("combobox", { name: "Role of Vic Viewer" }),
      table.getByRole("button", { name: "Leave the organization" }),
    ]) {
      await expect(control).toBeVisible();
      const box = (await control.boundingBox())!;
      expect(box.x + box.width, "inside the screen").toBeLessThanOrEqual(viewport.width);
    }
    // More tabs than fit: the bar shows an arrow on the side where more are.
    const nav = page.getByTestId("org-nav");
    await expect(nav.getByTestId("org-nav-more-right")).toBeVisible();
    await nav.getByRole("link", { name: "Settings" }).focus();
    await expect(nav.getByTestId("org-nav-more-left")).toBeVisible();
    await page.goto(`/orgs/${org.handle}/members`);
    await expect(table.getByRole("row")).toHaveCount(4);
    await screenshot(page, "members-phone");
    await expectNoSeriousA11yViolations(page, test.info(), "members-phone");
  } finally {
    await page.setViewportSize({ width: 1280, height: 800 });
  }
});
