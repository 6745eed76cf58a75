import { expect, test } from "@playwright/test";

import {
  createOrgViaApi,
  expectNoSeriousA11yViolations,
  operatorUser,
  screenshot,
  signedUpUser,
  uniqueEmail,
  uniqueHandle,
} from "./support";

// Licensing through the UI: an operator keeps a plan and issues a license, an owner redeems its key,
// the Plan page shows it, and an invitation beyond the seats is refused with words that say why.
test("an operator issues a license, an owner redeems it, and the seat limit refuses an invitation", async ({
  browser,
  baseURL,
}) => {
  const operator = await operatorUser(browser, baseURL!);
  const owner = await signedUpUser(browser, baseURL!, "licowner", "Lia Owner");
  const org = await createOrgViaApi(owner, baseURL!, "Seat Co");
  const customer = `Seat Co ${uniqueHandle("po")}`;
  const planKey = uniqueHandle("team").slice(0, 30);
  const page = operator.page;

  await test.step("the operator finds Licensing in the account menu and creates a plan", async () => {
    await page.goto("/");
    await page.getByTestId("user-menu").click();
    await page.getByRole("menuitem", { name: "Licensing" }).click();
    await expect(page).toHaveURL(/\/licensing$/);
    await expect(page.getByRole("heading", { name: "Licensing", level: 1 })).toBeVisible();
    await page.getByRole("button", { name: "New plan" }).click();
    const dialog = page.getByRole("dialog", { name: "New plan" });
    await dialog.getByLabel("Key").fill(planKey);
    await dialog.getByLabel("Name").fill("Team");
    await dialog.getByLabel("Seats").fill("2");
    await dialog.getByLabel("Deployments").fill("1");
    await dialog.getByLabel("Features").fill("sso, audit-export");
    await dialog.getByRole("button", { name: "Create plan" }).click();
    await expect(page.getByRole("dialog")).toHaveCount(0);
    await expect(page.getByTestId(`plan-row-${planKey}`)).toContainText("Team");
  });

  let key = "";
  await test.step("the operator issues a license for the plan and copies its key", async () => {
    const form = page.getByTestId("issue-license");
    await form.getByLabel("Plan").selectOption(planKey);
    await form.getByLabel("Customer").fill(customer);
    await form.getByLabel("Expires").fill(`${new Date().getUTCFullYear() + 1}-12-31`);
    await form.getByRole("button", { name: "Issue license" }).click();
    const issued = page.getByTestId("issued-license-key");
    await expect(issued).toBeVisible();
    key = (await issued.textContent())!.trim();
    expect(key).toMatch(/^tnc_lic1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const row = page.getByRole("table", { name: "Licenses" }).getByRole("row").filter({ hasText: customer });
    await expect(row).toContainText("Not assigned");
    await screenshot(page, "licensing-issued");
    await expectNoSeriousA11yViolations(page, test.info(), "licensing-issued");
  });

  await test.step("the owner's Plan page shows the free plan; the owner redeems the key", async () => {
    const ownerPage = owner.page;
    await ownerPage.goto(`/orgs/${org.handle}`);
    await ownerPage.getByRole("navigation", { name: "Organization" }).getByRole("link", { name: "Plan" }).click();
    await expect(ownerPage).toHaveURL(new RegExp(`/orgs/${org.handle}/plan$`));
    await expect(ownerPage.getByTestId("license-plan-name")).toHaveText("Free plan");
    await ownerPage.getByLabel("License key", { exact: true }).fill(key);
    await ownerPage.getByRole("button", { name: "Redeem key" }).click();
    await expect(ownerPage.getByTestId("license-plan-name")).toHaveText("Team plan");
    await expect(ownerPage.getByTestId("license-status")).toHaveAttribute("data-status", "active");
    await expect(ownerPage.getByTestId("license-customer")).toHaveText(customer);
    await expect(ownerPage.getByTestId("license-seats")).toContainText("1 of 2 seats used");
    const bar = ownerPage.getByRole("progressbar", { name: "Seats" });
    await expect(bar).toHaveAttribute("aria-valuenow", "1");
    await expect(bar).toHaveAttribute("aria-valuemax", "2");
    await expect(ownerPage.getByTestId("license-deployments")).toHaveText("0 active of 1");
    await expect(ownerPage.getByTestId("license-features")).toContainText("audit-export");
    await expect(ownerPage.getByTestId("license-key")).toHaveText(key);
    await expect(ownerPage.getByText("No deployments yet")).toBeVisible();
    await screenshot(ownerPage, "plan-page");
    await expectNoSeriousA11yViolations(ownerPage, test.info(), "plan-page");
  });

  await test.step("two invitations for the one free seat: the second is refused, saying why and who can fix it", async () => {
    const ownerPage = owner.page;
    const [first, second] = [uniqueEmail("seat-a"), uniqueEmail("seat-b")];
    await ownerPage
      .getByRole("navigation", { name: "Organization" })
      .getByRole("link", { name: "Invitations" })
      .click();
    await ownerPage.getByLabel("Email addresses").fill(`${first}, ${second}`);
    await ownerPage.getByRole("button", { name: "Send 2 invitations" }).click();
    await expect(ownerPage.getByTestId(`invite-result-${first}`)).toHaveAttribute("data-ok", "true");
    const refused = ownerPage.getByTestId(`invite-result-${second}`);
    await expect(refused).toHaveAttribute("data-ok", "false");
    await expect(refused).toContainText("not invited: This organization has used all 2 seats of its Team plan");
    await expect(refused).toContainText("An owner can free a seat or upgrade the plan");
    await screenshot(ownerPage, "invitation-seat-refused");
    await expectNoSeriousA11yViolations(ownerPage, test.info(), "invitation-seat-refused");
    // The Plan page counts the pending invitation's seat.
    await ownerPage.getByRole("navigation", { name: "Organization" }).getByRole("link", { name: "Plan" }).click();
    await expect(ownerPage.getByTestId("license-seats")).toContainText(
      "2 of 2 seats used (1 member, 1 pending invitation)",
    );
  });

  await test.step("the operator sees which organization holds the license", async () => {
    await page.reload();
    const row = page.getByRole("table", { name: "Licenses" }).getByRole("row").filter({ hasText: customer });
    await expect(row.getByTestId("license-organization")).toContainText(org.handle);
  });

  await operator.context.close();
  await owner.context.close();
});
