import { expect, test } from "@playwright/test";

import {
  createOrgViaApi,
  expectNoSeriousA11yViolations,
  inviteViaApi,
  newVisitor,
  pathOf,
  screenshot,
  signedUpUser,
  uniqueEmail,
  v1Ok,
  type TestOrg,
  type TestUser,
} from "./support";

let owner: TestUser;
let org: TestOrg;

test.beforeAll(async ({ browser }) => {
  owner = await signedUpUser(browser, process.env.E2E_BASE_URL!, "rough", "Rhea Rough");
  org = await createOrgViaApi(owner, process.env.E2E_BASE_URL!, "Rough Edges");
});

test.afterAll(async () => {
  await owner?.context.close();
});

test("a broken invitation link offers the way on, signed out and signed in", async ({ browser }) => {
  const { context, page } = await newVisitor(browser);
  await page.goto("/invite/not-a-real-invitation-token-at-all");
  await expect(page.getByTestId("invite-state-invalid")).toBeVisible();
  await expect(page.getByRole("link", { name: "Sign in" })).toHaveAttribute("href", "/sign-in");
  await expect(page.getByRole("link", { name: "Create an account" })).toHaveAttribute("href", "/sign-up");
  await expectNoSeriousA11yViolations(page, test.info(), "invite-invalid");
  await context.close();

  await owner.page.goto("/invite/not-a-real-invitation-token-at-all");
  await owner.page.getByRole("link", { name: "Go to my organizations" }).click();
  await expect(owner.page).toHaveURL(new RegExp(`/orgs/${org.handle}$`));
});

test("the accept page leads with sign-in only when the invited address already has an account", async ({
  browser,
  baseURL,
}) => {
  const { context, page } = await newVisitor(browser);
  await page.goto(pathOf(await inviteViaApi(owner, baseURL!, org, uniqueEmail("fresh"))));
  const actions = page.getByTestId("invite-signed-out");
  await expect(actions.getByRole("link").first()).toHaveText("Create account");
  await expect(actions.getByRole("link", { name: "I already have an account" })).toBeVisible();

  const existing = await signedUpUser(browser, baseURL!, "known", "Kim Known");
  await page.goto(pathOf(await inviteViaApi(owner, baseURL!, org, existing.email)));
  await expect(actions.getByRole("link").first()).toHaveText(`Sign in as ${existing.email}`);

  await test.step("accepting confirms, and lands on the organization's handle", async () => {
    await existing.page.goto(pathOf(await inviteViaApi(owner, baseURL!, org, existing.email)));
    await existing.page.getByRole("button", { name: `Accept and join ${org.name}` }).click();
    await expect(existing.page).toHaveURL(new RegExp(`/orgs/${org.handle}$`));
    await expect(existing.page.getByText(`You joined ${org.name} as a member.`)).toBeVisible();
  });
  await existing.context.close();
  await context.close();
});

test("creating an organization with the suggested handle taken gets a free one instead of an error", async () => {
  const page = owner.page;
  await page.goto("/welcome");
  const form = page.getByTestId("create-organization");
  // Same name as the file's organization: its derived handle is taken.
  const name = org.handle.replace(/-/g, " ");
  await form.getByLabel("Name", { exact: true }).fill(name);
  await expect(form.getByTestId("handle-availability")).toContainText(`is taken, so yours will be ${org.handle}-2`);
  await form.getByRole("button", { name: "Create organization" }).click();
  await expect(page).toHaveURL(new RegExp(`/orgs/${org.handle}-2$`));
});

test("revoked tokens are hidden until asked for", async ({ baseURL }) => {
  const kept = await v1Ok<{ apiToken: { key: string } }>(owner, baseURL!, "tokens/create", {
    organizationId: org.id,
    name: "Kept",
  });
  const gone = await v1Ok<{ apiToken: { id: string; key: string } }>(owner, baseURL!, "tokens/create", {
    organizationId: org.id,
    name: "Gone",
  });
  await v1Ok(owner, baseURL!, "tokens/revoke", { organizationId: org.id, id: gone.apiToken.id });
  const page = owner.page;
  await page.goto(`/orgs/${org.handle}/tokens`);
  const table = page.getByRole("table", { name: "API tokens" });
  await expect(page.getByTestId(`token-row-${kept.apiToken.key}`)).toBeVisible();
  await expect(page.getByTestId(`token-row-${gone.apiToken.key}`)).toHaveCount(0);
  await page.getByLabel("Show revoked tokens (1)").check();
  await expect(page.getByTestId(`token-row-${gone.apiToken.key}`)).toHaveAttribute("data-revoked", "true");
  await expect(table.getByRole("row")).toHaveCount(3);
});

test("the audit log filters on the server, shows the exact time on hover and exports CSV and JSON", async ({
  baseURL,
}) => {
  await v1Ok(owner, baseURL!, "invitations/create", { organizationId: org.id, email: uniqueEmail("audited") });
  const page = owner.page;
  await page.goto(`/orgs/${org.handle}/audit`);
  const rows = page.getByTestId("audit-row");
  await expect(rows.first()).toBeVisible();
  const total = await rows.count();

  await test.step("by action", async () => {
    await page.getByLabel("Action").click();
    await page.getByRole("option", { name: "Any invitation action" }).click();
    const actions = () => rows.evaluateAll((els) => els.map((el) => el.getAttribute("data-action") ?? ""));
    await expect.poll(async () => (await actions()).every((action) => action.startsWith("invitation."))).toBe(true);
    expect((await actions()).length).toBeGreaterThan(0);
  });

  await test.step("by actor and date range; an empty result says so", async () => {
    await page.getByLabel("Actor").fill("someone-else@");
    await expect(page.getByText("No events match")).toBeVisible();
    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect(rows).toHaveCount(total);
    const today = new Date().toISOString().slice(0, 10);
    await page.getByLabel("From").fill("2020-01-01");
    await page.getByLabel("To (included)").fill("2020-01-02");
    await expect(page.getByText("No events match")).toBeVisible();
    await page.getByLabel("To (included)").fill(today);
    await expect(rows).toHaveCount(total);
    await page.getByLabel("From").fill(today.replace(/^\d{4}/, (y) => String(Number(y) + 1)));
    await expect(page.getByRole("alert").filter({ hasText: "before the “From” day" })).toBeVisible();
    await page.getByRole("button", { name: "Clear", exact: true }).click();
  });

  await test.step("hovering the relative time shows the exact time", async () => {
    const time = rows.first().getByTestId("relative-time");
    await time.hover();
    const exact = rows.first().getByTestId("exact-time");
    await expect(exact).toBeVisible();
    await expect(exact).toHaveText(/\d{1,2}:\d{2}:\d{2}/);
    await screenshot(page, "audit-filters");
    await expectNoSeriousA11yViolations(page, test.info(), "audit-filters");
  });

  await test.step("the export downloads what the filters show", async () => {
    await page.getByLabel("Actor").fill(owner.email);
    const json = await owner.context.request.get(
      `/api/audit/export?organizationId=${org.id}&format=json&actor=${encodeURIComponent(owner.email)}`,
      { headers: { connection: "close" } },
    );
    expect(json.status()).toBe(200);
    const ownersEvents = ((await json.json()) as unknown[]).length;
    expect(ownersEvents).toBeGreaterThan(0);
    // The actor filter applies after a short pause in typing: wait until the table shows only the owner's events.
    await expect(rows).toHaveCount(ownersEvents);
    await page.getByRole("button", { name: "Export" }).click();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("menuitem", { name: "CSV (spreadsheets)" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^audit-${org.handle}-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
    const csv = (await (await download.createReadStream()).toArray()).join("");
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe("id,time,actor_type,actor_id,actor,action,target_type,target_id,target,metadata");
    expect(lines.length - 1).toBe(ownersEvents);
  });
});

test("the favicon is served, and pages follow a dark system setting with readable contrast", async ({ request }) => {
  const favicon = await request.get("/favicon.ico");
  expect(favicon.status()).toBe(200);
  expect(favicon.headers()["content-type"]).toBe("image/x-icon");

  const page = await owner.context.newPage();
  /** The page background's lightness, 0-255, as the browser paints it (the CSS value may be oklch). */
  const backgroundLightness = () =>
    page.evaluate(() => {
      const canvas = document.createElement("canvas");
      canvas.width = canvas.height = 1;
      const context = canvas.getContext("2d")!;
      context.fillStyle = getComputedStyle(document.body).backgroundColor;
      context.fillRect(0, 0, 1, 1);
      const [r, g, b] = context.getImageData(0, 0, 1, 1).data;
      return Math.round((r! + g! + b!) / 3);
    });
  await page.goto(`/orgs/${org.handle}/members`);
  expect(await backgroundLightness()).toBeGreaterThan(240);
  await page.emulateMedia({ colorScheme: "dark" });
  for (const [name, path] of [
    ["members", `/orgs/${org.handle}/members`],
    ["audit", `/orgs/${org.handle}/audit`],
  ] as const) {
    await page.goto(path);
    await page.waitForLoadState("networkidle");
    expect(await backgroundLightness()).toBeLessThan(50);
    await screenshot(page, `dark-${name}`);
    await expectNoSeriousA11yViolations(page, test.info(), `dark-${name}`);
  }
  await page.close();
});
