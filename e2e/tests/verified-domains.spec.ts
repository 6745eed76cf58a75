import { expect, test } from "@playwright/test";

import {
  chooseOption,
  createOrgViaApi,
  emailVerificationPath,
  expectNoSeriousA11yViolations,
  fillSignUpForm,
  newVisitor,
  publishTxt,
  screenshot,
  PASSWORD,
  signedUpUser,
  uniqueHandle,
  v1Ok,
} from "./support";

test("an owner proves a domain by DNS and turns on auto-join: verified addresses there join, existing ones see a suggestion", async ({
  browser,
  baseURL,
}) => {
  const domain = `${uniqueHandle("acme")}.test`;
  const owner = await signedUpUser(browser, baseURL!, "domowner", "Dora Owner");
  const org = await createOrgViaApi(owner, baseURL!, "Domain Co");
  const page = owner.page;

  // Someone at the domain who has an account, with a verified address, before the domain is set up.
  const early = await newVisitor(browser);
  const earlyEmail = `ezra@${domain}`;
  const signUp = await early.context.request.post("/api/auth/sign-up/email", {
    data: { email: earlyEmail, password: PASSWORD, name: "Ezra Early" },
    headers: { origin: baseURL! },
  });
  expect(signUp.ok()).toBe(true);
  await early.page.goto(await emailVerificationPath(early.page, earlyEmail));

  await test.step("the owner adds the domain and is shown the TXT record to publish", async () => {
    await page.goto(`/orgs/${org.handle}`);
    await page.getByRole("navigation", { name: "Organization" }).getByRole("link", { name: "Domains" }).click();
    await page.getByLabel("Domain", { exact: true }).fill(domain.toUpperCase());
    await page.getByRole("button", { name: "Add domain" }).click();
    const card = page.getByTestId(`domain-${domain}`);
    await expect(card).toHaveAttribute("data-status", "pending");
    await expect(card.getByTestId("domain-txt-name")).toHaveText(`_tenancy-verification.${domain}`);
    await expect(card.getByTestId("domain-txt-value")).toHaveText(/^tenancy-verification=[\w-]{43}$/);
    await expectNoSeriousA11yViolations(page, test.info(), "domains-pending");
  });

  const card = page.getByTestId(`domain-${domain}`);
  await test.step("verifying before the record exists says so; after publishing it, the domain is verified", async () => {
    await card.getByRole("button", { name: "Verify now" }).click();
    await expect(card.getByTestId("domain-check-result")).toContainText(
      `No TXT record found at _tenancy-verification.${domain} yet.`,
    );
    const value = (await card.getByTestId("domain-txt-value").textContent())!;
    publishTxt(`_tenancy-verification.${domain}`, ["v=spf1 -all", value]);
    await card.getByRole("button", { name: "Verify now" }).click();
    await expect(card).toHaveAttribute("data-status", "verified");
    await expect(card.getByTestId("domain-status")).toHaveText("Verified");
  });

  await test.step("the owner chooses automatic joining as a member", async () => {
    await card.getByLabel("Join automatically").check();
    await chooseOption(page, card.getByRole("combobox", { name: "They join as" }), "Member");
    await card.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText(`Saved what happens for ${domain}`)).toBeVisible();
    await screenshot(page, "domains-verified");
    await expectNoSeriousA11yViolations(page, test.info(), "domains-verified");
  });

  await test.step("someone new signs up with an address there and, once it is verified, is in the organization", async () => {
    const { context, page: newcomer } = await newVisitor(browser);
    const email = `nina@${domain}`;
    await newcomer.goto("/sign-up");
    await fillSignUpForm(newcomer, { name: "Nina Newcomer", email });
    await expect(newcomer).toHaveURL(/\/welcome$/);
    // Not before the address is verified.
    await expect(newcomer.getByTestId("domain-suggestions")).toHaveCount(0);
    await newcomer.goto(await emailVerificationPath(newcomer, email));
    await newcomer.goto("/");
    await expect(newcomer).toHaveURL(new RegExp(`/orgs/${org.handle}$`));
    await expect(newcomer.getByTestId("overview-role")).toHaveText("Member");
    await context.close();
  });

  await test.step("an existing account at the domain was not added silently: it sees the suggestion and joins", async () => {
    await early.page.goto("/welcome");
    const suggestion = early.page.getByTestId(`domain-suggestion-${org.handle}`);
    await expect(suggestion).toContainText(`Verified ${domain}, your email's domain. You'd join as a member.`);
    await screenshot(early.page, "welcome-domain-suggestion");
    await expectNoSeriousA11yViolations(early.page, test.info(), "welcome-domain-suggestion");
    await suggestion.getByRole("button", { name: `Join ${org.name}` }).click();
    await expect(early.page).toHaveURL(new RegExp(`/orgs/${org.handle}$`));
    await expect(early.page.getByText(`You joined ${org.name} as a member.`)).toBeVisible();
  });

  await test.step("the audit log tells who joined through the domain", async () => {
    await page.goto(`/orgs/${org.handle}/audit`);
    await expect(
      page.getByTestId("audit-row").filter({ hasText: "joined automatically through the verified domain" }),
    ).toBeVisible();
  });

  await test.step("the role picker lists the organization's custom roles; the Roles page counts the domain", async () => {
    await v1Ok(owner, baseURL!, "custom-roles/create", {
      organizationId: org.id,
      key: "support",
      name: "Support",
      permissions: ["members:view"],
    });
    await page.goto(`/orgs/${org.handle}/domains`);
    await chooseOption(page, card.getByRole("combobox", { name: "They join as" }), "Support");
    await card.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText(`Saved what happens for ${domain}`)).toBeVisible();
    const { domains } = await v1Ok<{ domains: { domain: string; joinRole: string }[] }>(
      owner,
      baseURL!,
      "domains/list",
      { organizationId: org.id },
    );
    expect(domains.find((d) => d.domain === domain)?.joinRole).toBe("support");
    await page.goto(`/orgs/${org.handle}/roles`);
    await expect(page.getByTestId("role-usage-support")).toHaveText("0 members, 1 verified domain");
  });

  await owner.context.close();
  await early.context.close();
});
