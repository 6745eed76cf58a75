import { expect, test } from "@playwright/test";

import { expectNoSeriousA11yViolations, fillSignUpForm, newVisitor, pathOf, screenshot, uniqueEmail } from "./support";

// The whole first-run story through the UI: nothing is set up by API here.
test("an admin signs up, creates an org and invites someone who signs up from the emailed link and lands in the org", async ({
  browser,
}) => {
  const admin = { name: "Ada Admin", email: uniqueEmail("ada") };
  const invitee = { name: "Bob Invitee", email: uniqueEmail("bob") };
  const orgName = `Acme ${Date.now().toString(36)}`;
  const { context: adminContext, page } = await newVisitor(browser);

  await test.step("the admin signs up and lands on the first-run page", async () => {
    await page.goto("/sign-up");
    await fillSignUpForm(page, admin);
    await expect(page).toHaveURL(/\/welcome$/);
    await expect(page.getByRole("heading", { name: "Welcome, Ada" })).toBeVisible();
    await screenshot(page, "welcome");
  });

  let handle = "";
  await test.step("the admin creates the first organization", async () => {
    const form = page.getByTestId("create-organization");
    await form.getByLabel("Name", { exact: true }).fill(orgName);
    // The handle is suggested from the name and checked live.
    await expect(form.getByLabel("Handle")).not.toHaveValue("");
    await expect(form.getByText(/ is available\.$/)).toBeVisible();
    await form.getByRole("button", { name: "Create organization" }).click();
    await expect(page).toHaveURL(/\/orgs\/[a-z0-9-]+$/);
    handle = new URL(page.url()).pathname.split("/")[2]!;
    await expect(page.getByTestId("org-name")).toHaveText(orgName);
    await expect(page.getByTestId("overview-role")).toHaveText("Owner");
  });

  await test.step("the admin invites the second user by email", async () => {
    await page.getByRole("navigation", { name: "Organization" }).getByRole("link", { name: "Invitations" }).click();
    await expect(page).toHaveURL(new RegExp(`/orgs/${handle}/invitations$`));
    await page.getByLabel("Email addresses").fill(invitee.email);
    await page.getByRole("button", { name: "Send invitation" }).click();
    const result = page.getByTestId(`invite-result-${invitee.email}`);
    await expect(result).toHaveAttribute("data-ok", "true");
    await expect(result).toContainText("invited as");
    await expect(
      page.getByRole("table", { name: "Pending invitations" }).getByRole("row").filter({ hasText: invitee.email }),
    ).toBeVisible();
    await screenshot(page, "invitation-sent");
    await expectNoSeriousA11yViolations(page, test.info(), "invitation-sent");
  });

  const { context: inviteeContext, page: inviteePage } = await newVisitor(browser);
  let acceptPath = "";
  await test.step("the invitee finds the accept link in the dev mailbox", async () => {
    await inviteePage.goto(`/dev/mailbox?to=${encodeURIComponent(invitee.email)}`);
    // The page is filtered to this recipient: exactly the one invitation email.
    const email = inviteePage.getByTestId("mailbox-email");
    await expect(email).toHaveCount(1);
    await expect(email).toContainText(orgName);
    const link = email.getByRole("link", { name: /\/invite\// });
    acceptPath = pathOf((await link.getAttribute("href"))!);
    expect(acceptPath).toMatch(/^\/invite\/[^/]+$/);
    await link.click();
    await expect(inviteePage).toHaveURL(new RegExp(`${acceptPath}$`));
  });

  await test.step("the accept page shows who invites whom where, and offers sign-up with the invited email", async () => {
    await expect(inviteePage.getByTestId("invite-state-pending")).toBeVisible();
    await expect(inviteePage.getByTestId("invite-organization")).toContainText(orgName);
    await expect(inviteePage.getByTestId("invite-email")).toHaveText(invitee.email);
    await expect(inviteePage.getByRole("heading", { name: `Ada Admin invited you to join ${orgName}` })).toBeVisible();
    await screenshot(inviteePage, "accept-invitation");
    await inviteePage.getByRole("link", { name: "Create account" }).click();
    await expect(inviteePage).toHaveURL(/\/sign-up\?/);
    await expect(inviteePage.getByLabel("Email")).toHaveValue(invitee.email);
  });

  await test.step("the invitee signs up, comes back to the link and accepts", async () => {
    await fillSignUpForm(inviteePage, { name: invitee.name });
    await expect(inviteePage).toHaveURL(new RegExp(`${acceptPath}$`));
    const accept = inviteePage.getByRole("button", { name: `Accept and join ${orgName}` });
    await accept.click();
    await expect(inviteePage).toHaveURL(new RegExp(`/orgs/${handle}$`));
    await expect(inviteePage.getByTestId("org-name")).toHaveText(orgName);
    await expect(inviteePage.getByTestId("overview-role")).toHaveText("Member");
    // Joining is confirmed, as joining by code is.
    await expect(inviteePage.getByText(`You joined ${orgName} as a member.`)).toBeVisible();
  });

  await test.step("the admin sees the new member in the members table", async () => {
    await page.goto(`/orgs/${handle}/members`);
    const row = page.getByRole("table", { name: "Members" }).getByRole("row").filter({ hasText: invitee.email });
    await expect(row).toContainText(invitee.name);
    await expect(page.getByTestId("members-total")).toHaveText("2 members");
    // The used link is now a dead end.
    await inviteePage.goto(acceptPath);
    await expect(inviteePage.getByTestId("invite-state-used")).toBeVisible();
  });

  await adminContext.close();
  await inviteeContext.close();
});
