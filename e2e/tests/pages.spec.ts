import { expect, test, type Locator, type Page } from "@playwright/test";

import {
  addMemberViaApi,
  createOrgViaApi,
  expectNoSeriousA11yViolations,
  inviteViaApi,
  newVisitor,
  operatorUser,
  pathOf,
  postOk,
  screenshot,
  signedUpUser,
  uniqueEmail,
  v1Ok,
  type TestOrg,
  type TestUser,
} from "./support";

/**
 * The main pages with realistic data (a second member, a pending invitation, a join code, a
 * token, audit events): each is screenshotted into e2e/artifacts/ and checked with axe.
 */
interface PageCheck {
  name: string;
  /** Who looks at it: the org's owner, or a signed-out visitor. */
  as: "owner" | "visitor";
  path: () => string;
  /** Visible once the page shows its data rather than a loading state. */
  ready: (page: Page) => Locator;
}

let owner: TestUser;
let org: TestOrg;
let acceptPath = "";
const pendingEmail = uniqueEmail("pending");

const CHECKS: PageCheck[] = [
  { name: "welcome", as: "owner", path: () => "/welcome", ready: (page) => page.getByTestId("my-invitations") },
  {
    name: "org-overview",
    as: "owner",
    path: () => `/orgs/${org.handle}`,
    ready: (page) => page.getByTestId("overview-member-count"),
  },
  {
    name: "members",
    as: "owner",
    path: () => `/orgs/${org.handle}/members`,
    ready: (page) => page.getByRole("table", { name: "Members" }).getByRole("row").nth(2),
  },
  {
    name: "invitations",
    as: "owner",
    path: () => `/orgs/${org.handle}/invitations`,
    ready: (page) =>
      page.getByRole("table", { name: "Pending invitations" }).getByRole("row").filter({ hasText: pendingEmail }),
  },
  {
    name: "join-codes",
    as: "owner",
    path: () => `/orgs/${org.handle}/join-codes`,
    ready: (page) => page.getByRole("table", { name: "Join codes" }).getByRole("row").nth(1),
  },
  {
    name: "tokens",
    as: "owner",
    path: () => `/orgs/${org.handle}/tokens`,
    ready: (page) => page.getByRole("table", { name: "API tokens" }).getByRole("row").nth(1),
  },
  {
    name: "roles",
    as: "owner",
    path: () => `/orgs/${org.handle}/roles`,
    ready: (page) => page.getByTestId("roles-matrix"),
  },
  {
    name: "audit",
    as: "owner",
    path: () => `/orgs/${org.handle}/audit`,
    ready: (page) => page.getByTestId("audit-row").first(),
  },
  {
    name: "plan",
    as: "owner",
    path: () => `/orgs/${org.handle}/plan`,
    ready: (page) => page.getByRole("table", { name: "Deployments" }).getByRole("row").nth(1),
  },
  {
    name: "settings",
    as: "owner",
    path: () => `/orgs/${org.handle}/settings`,
    ready: (page) => page.getByTestId("organization-settings"),
  },
  {
    name: "account",
    as: "owner",
    path: () => "/account",
    ready: (page) => page.getByTestId("user-memberships").getByRole("list"),
  },
  { name: "join", as: "owner", path: () => "/join", ready: (page) => page.getByTestId("join-with-code") },
  {
    name: "accept-invitation",
    as: "visitor",
    path: () => acceptPath,
    ready: (page) => page.getByTestId("invite-state-pending"),
  },
  {
    name: "sign-in",
    as: "visitor",
    path: () => "/sign-in",
    ready: (page) => page.getByRole("form", { name: "Sign in" }),
  },
  {
    name: "sign-up",
    as: "visitor",
    path: () => "/sign-up",
    ready: (page) => page.getByRole("form", { name: "Create your account" }),
  },
  {
    name: "dev-mailbox",
    as: "visitor",
    path: () => "/dev/mailbox",
    ready: (page) => page.getByTestId("mailbox-email").first(),
  },
];

test.describe("main pages", () => {
  let visitor: { page: Page; close: () => Promise<void> };

  test.beforeAll(async ({ browser }) => {
    const baseURL = process.env.E2E_BASE_URL!;
    owner = await signedUpUser(browser, baseURL, "paula", "Paula Owner");
    org = await createOrgViaApi(owner, baseURL, "Pages Showcase");
    await v1Ok(owner, baseURL, "update", { organizationId: org.id, description: "Where the screenshots come from." });
    const member = await signedUpUser(browser, baseURL, "milo", "Milo Member");
    await addMemberViaApi(owner, member, baseURL, org, "admin");
    await member.context.close();
    acceptPath = pathOf(await inviteViaApi(owner, baseURL, org, pendingEmail, "viewer"));
    await v1Ok(owner, baseURL, "join-codes/create", { organizationId: org.id, role: "member", maxUses: 10 });
    await v1Ok(owner, baseURL, "tokens/create", { organizationId: org.id, name: "CI deploys", env: "test" });
    // A license with a deployment for the Plan page.
    const operator = await operatorUser(browser, baseURL);
    const planKey = `showcase-${Date.now().toString(36)}`;
    await postOk(operator, operator.context.request, baseURL, "/v1/plans/create", {
      key: planKey,
      name: "Business",
      seats: 25,
      deployments: 3,
      features: ["sso", "audit-export"],
    });
    const { key } = await postOk<{ key: string }>(operator, operator.context.request, baseURL, "/v1/licenses/create", {
      planKey,
      customer: "Pages Showcase Inc.",
      expiresAt: new Date(Date.now() + 365 * 86_400_000).toISOString(),
    });
    await operator.context.close();
    await v1Ok(owner, baseURL, "license/assign", { organizationId: org.id, licenseKey: key });
    await postOk(null, owner.context.request, baseURL, "/v1/deployments/activate", {
      licenseKey: key,
      name: "eu-west-1",
      fingerprint: "showcase-eu-1",
      version: "2.4.0",
      url: "https://eu.showcase.example",
    });
    const anonymous = await newVisitor(browser);
    visitor = { page: anonymous.page, close: () => anonymous.context.close() };
  });

  test.afterAll(async () => {
    await owner?.context.close();
    await visitor?.close();
  });

  for (const check of CHECKS) {
    test(`${check.name}: screenshot and no serious accessibility violations`, async () => {
      const page = check.as === "owner" ? owner.page : visitor.page;
      await page.goto(check.path());
      await expect(check.ready(page)).toBeVisible();
      await page.waitForLoadState("networkidle");
      await screenshot(page, check.name);
      await expectNoSeriousA11yViolations(page, test.info(), check.name);
    });
  }
});
