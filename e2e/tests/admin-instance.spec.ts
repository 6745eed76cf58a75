import { expect, test, type APIRequestContext } from "@playwright/test";

import {
  expectNoSeriousA11yViolations,
  operatorUser,
  postOk,
  screenshot,
  signedUpUser,
  uniqueHandle,
  verifyEmailViaMailbox,
} from "./support";

/** A POST-style /v1 call with a bearer token: its status and JSON. */
async function postWithBearer(
  request: APIRequestContext,
  path: `/v1/${string}`,
  body: unknown,
  bearer: string,
): Promise<{ status: number; json: { error?: { code: string; details?: unknown } } & Record<string, unknown> }> {
  const response = await request.post(path, {
    data: body,
    headers: { authorization: `Bearer ${bearer}`, connection: "close" },
  });
  return { status: response.status(), json: (await response.json()) as never };
}

// The Admin area's Members and API tokens tabs: the run's operator (owner of the default instance
// through TENANCY_OPERATOR_EMAILS) mints an instance token with one scope, uses it where the scope
// allows and is refused elsewhere, revokes it; then adds a colleague to the instance, changes their
// role and removes them again, the last-owner rule shown on their own row.
test("an instance owner mints, uses and revokes a scoped instance token, and manages the instance's members", async ({
  browser,
  baseURL,
  request,
}) => {
  const owner = await operatorUser(browser, baseURL!);
  const colleague = await signedUpUser(browser, baseURL!, "instcolleague", "Cleo Colleague");
  await verifyEmailViaMailbox(colleague);
  const { instances } = await postOk<{ instances: { id: string; isDefault: boolean; role: string }[] }>(
    owner,
    request,
    baseURL!,
    "/v1/instances/list",
    {},
  );
  const instance = instances.find((i) => i.isDefault)!;
  expect(instance.role).toBe("owner");
  const page = owner.page;
  const tokenName = `Orgs reader ${uniqueHandle("t").slice(-6)}`;
  let bearer = "";

  await test.step("the owner mints a token with one scope from the picker; the bearer is shown once", async () => {
    await page.goto("/admin");
    await page.getByRole("tab", { name: "API tokens" }).click();
    await expect(page).toHaveURL(/\/admin\?tab=tokens$/);
    await page.getByTestId("instance-token-create").click();
    const dialog = page.getByRole("dialog", { name: "Create an instance API token" });
    await dialog.getByLabel("Name").fill(tokenName);
    await dialog.getByLabel("Expires").selectOption("30");
    // No scope: the API's words come back on the picker.
    await dialog.getByRole("button", { name: "Create token" }).click();
    await expect(dialog.getByTestId("instance-token-scope-picker")).toContainText("Choose at least one scope");
    await expectNoSeriousA11yViolations(page, test.info(), "admin-instance-token-dialog");
    await dialog.getByRole("checkbox", { name: "instanceOrgs.list", exact: true }).check();
    await dialog.getByRole("button", { name: "Create token" }).click();
    const reveal = page.getByRole("dialog", { name: "Instance API token created" });
    bearer = (await reveal.getByLabel("Bearer token").textContent())!.trim();
    expect(bearer).toMatch(/^tnc_inst_[a-z0-9]+:.+/);
    await expect(reveal.getByLabel("Example request with curl")).toContainText("/v1/instance-orgs/list");
    await screenshot(page, "admin-instance-token-created");
    await reveal.getByRole("button", { name: "Done" }).click();
    await expect(page.getByText(bearer)).toHaveCount(0);
    const row = page
      .getByRole("table", { name: "Instance API tokens" })
      .getByRole("row")
      .filter({ hasText: tokenName });
    await expect(row.getByTestId("instance-token-scopes")).toHaveText("instanceOrgs.list");
    await expect(row).toContainText("Active");
    await expect(row).toContainText(bearer.split(":")[0]!);
    await expect(row).not.toContainText(bearer.split(":")[1]!);
  });

  await test.step("the token lists organizations and is refused what its scope does not allow", async () => {
    const orgs = await postWithBearer(request, "/v1/instance-orgs/list", { instanceId: instance.id }, bearer);
    expect(orgs.status, JSON.stringify(orgs.json)).toBe(200);
    expect(Array.isArray(orgs.json.organizations)).toBe(true);
    const create = await postWithBearer(
      request,
      "/v1/instance-orgs/create",
      { instanceId: instance.id, name: "Not Allowed", ownerEmail: colleague.email },
      bearer,
    );
    expect(create.status, JSON.stringify(create.json)).toBe(403);
    expect(create.json.error?.code).toBe("insufficient_scope");
    const members = await postWithBearer(request, "/v1/instance-members/list", { instanceId: instance.id }, bearer);
    expect(members.status).toBe(403);
    expect(members.json.error?.code).toBe("insufficient_scope");
    // The console shows that it was used.
    await page.reload();
    const row = page
      .getByRole("table", { name: "Instance API tokens" })
      .getByRole("row")
      .filter({ hasText: tokenName });
    await expect(row).not.toContainText("Never");
  });

  await test.step("the owner revokes the token after confirming; it is refused from then on", async () => {
    const row = page
      .getByRole("table", { name: "Instance API tokens" })
      .getByRole("row")
      .filter({ hasText: tokenName });
    await row.getByRole("button", { name: `Revoke token ${tokenName}` }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Revoke token" }).click();
    await expect(row).toHaveCount(0);
    await page.getByLabel(/Show revoked tokens/).check();
    await expect(row).toContainText("Revoked");
    const after = await postWithBearer(request, "/v1/instance-orgs/list", { instanceId: instance.id }, bearer);
    expect(after.status).toBe(401);
    expect(after.json.error?.code).toBe("invalid_api_token");
    await expectNoSeriousA11yViolations(page, test.info(), "admin-instance-tokens");
  });

  await test.step("the owner adds a colleague, changes their role, and cannot demote the last owner", async () => {
    await page.getByRole("tab", { name: "Members" }).click();
    await expect(page).toHaveURL(/\/admin\?tab=members$/);
    const members = page.getByTestId("instance-members");
    // Not signed up: the API's words.
    await members.getByLabel("Email").fill("nobody-here@example.test");
    await members.getByRole("button", { name: "Add member" }).click();
    await expect(members.getByRole("alert")).toContainText("No user has signed up with that email");
    await members.getByLabel("Email").fill(colleague.email);
    await members.getByRole("button", { name: "Add member" }).click();
    const row = page.getByTestId(`instance-member-${colleague.email}`);
    await expect(row.getByRole("combobox", { name: `Role of ${colleague.name}` })).toHaveText("Viewer");

    // A viewer sees the members read-only, and no API tokens tab (the API refuses viewers the tokens).
    await colleague.page.goto("/admin?tab=members");
    const theirView = colleague.page.getByTestId("instance-members");
    await expect(theirView.getByTestId("instance-members-read-only")).toContainText("Only instance owners");
    await expect(theirView.getByTestId(`instance-member-${colleague.email}`)).toContainText("Viewer");
    await expect(theirView.getByRole("combobox")).toHaveCount(0);
    await expect(colleague.page.getByRole("tab", { name: "Members", selected: true })).toBeVisible();
    await expect(colleague.page.getByRole("tab", { name: "API tokens" })).toHaveCount(0);

    await row.getByRole("combobox", { name: `Role of ${colleague.name}` }).click();
    await page.getByRole("option", { name: "Admin" }).click();
    await expect(row.getByRole("combobox", { name: `Role of ${colleague.name}` })).toHaveText("Admin");
    const { instances: theirs } = await postOk<{ instances: { id: string; role: string }[] }>(
      colleague,
      request,
      baseURL!,
      "/v1/instances/list",
      {},
    );
    expect(theirs.find((i) => i.id === instance.id)?.role).toBe("admin");

    // The owner is the only one: their own role and Leave are refused up front, with the reason.
    const mine = page.getByTestId(`instance-member-${owner.email}`);
    await expect(mine.getByRole("combobox", { name: /Role of/ })).toBeDisabled();
    await expect(mine.getByRole("button", { name: /Leave/ })).toBeDisabled();
    await expect(page.getByTestId("instance-members-last-owner-reason")).toContainText("You are the only owner");
    // With a second owner the rule no longer binds: the owner's own role can change again.
    await row.getByRole("combobox", { name: `Role of ${colleague.name}` }).click();
    await page.getByRole("option", { name: "Owner" }).click();
    await expect(row.getByRole("combobox", { name: `Role of ${colleague.name}` })).toHaveText("Owner");
    await expect(mine.getByRole("combobox", { name: /Role of/ })).toBeEnabled();
    await expect(page.getByTestId("instance-members-last-owner-reason")).toHaveCount(0);
    await row.getByRole("combobox", { name: `Role of ${colleague.name}` }).click();
    await page.getByRole("option", { name: "Admin" }).click();
    await expect(mine.getByRole("combobox", { name: /Role of/ })).toBeDisabled();
    await screenshot(page, "admin-instance-members");
    await expectNoSeriousA11yViolations(page, test.info(), "admin-instance-members");
  });

  await test.step("the colleague, now an admin, still sees the members read-only, and the tokens tab", async () => {
    await colleague.page.reload();
    const members = colleague.page.getByTestId("instance-members");
    await expect(members.getByTestId("instance-members-read-only")).toContainText("Only instance owners");
    await expect(members.getByRole("combobox")).toHaveCount(0);
    await expect(members.getByRole("button", { name: /Remove|Leave/ })).toHaveCount(0);
    await expect(
      colleague.page.getByTestId(`instance-member-${owner.email}`).getByTestId("instance-member-role"),
    ).toHaveText("Owner");
    await expect(colleague.page.getByRole("tab", { name: "API tokens" })).toBeVisible();
  });

  await test.step("the owner removes the colleague after confirming", async () => {
    const row = page.getByTestId(`instance-member-${colleague.email}`);
    await row.getByRole("button", { name: `Remove ${colleague.name}` }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Remove member" }).click();
    await expect(row).toHaveCount(0);
    const { instances: theirs } = await postOk<{ instances: { id: string }[] }>(
      colleague,
      request,
      baseURL!,
      "/v1/instances/list",
      {},
    );
    expect(theirs.some((i) => i.id === instance.id)).toBe(false);
  });

  await owner.context.close();
  await colleague.context.close();
});
