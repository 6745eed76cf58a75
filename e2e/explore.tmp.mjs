import { chromium } from "@playwright/test";
const base = process.env.BASE_URL;
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu"],
});
async function user(label, name) {
  const ctx = await browser.newContext({
    baseURL: base,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 1,
    colorScheme: process.env.DARK ? "dark" : "light",
  });
  const email = `${label}-${Date.now()}@example.test`;
  const r = await ctx.request.post("/api/auth/sign-up/email", {
    data: { email, password: "correct-horse-battery", name },
    headers: { origin: base },
  });
  if (!r.ok()) throw new Error(await r.text());
  return { ctx, email, page: await ctx.newPage() };
}
const v1 = async (u, path, body) => {
  const r = await u.ctx.request.post(`/v1/organizations/${path}`, { data: body, headers: { origin: base } });
  const j = await r.json();
  if (!r.ok()) throw new Error(JSON.stringify(j));
  return j;
};
const owner = await user("owner", "Olivia Longname-Ownerperson");
const { organization: org } = await v1(owner, "create", { name: "Acme Rocket Laboratories" });
for (const [l, n, role] of [
  ["mia", "Mia Member", "member"],
  ["adam", "Adam Administrator With A Long Name", "admin"],
]) {
  const u = await user(l, n);
  const { acceptUrl } = await v1(owner, "invitations/create", { organizationId: org.id, email: u.email, role });
  await v1(u, "invitations/accept", { token: acceptUrl.split("/").pop() });
}
await v1(owner, "invitations/create", { organizationId: org.id, email: "pending.person@example.test", role: "viewer" });
await v1(owner, "tokens/create", { organizationId: org.id, name: "CI", env: "test" });
const t = await v1(owner, "tokens/create", { organizationId: org.id, name: "Old" });
await v1(owner, "tokens/revoke", { organizationId: org.id, id: t.apiToken.id });
const p = owner.page;
const tag = process.env.DARK ? "dark" : "light";
for (const [name, path] of [
  ["members", `/orgs/${org.handle}/members`],
  ["tokens", `/orgs/${org.handle}/tokens`],
  ["audit", `/orgs/${org.handle}/audit`],
  ["overview", `/orgs/${org.handle}`],
  ["invitations", `/orgs/${org.handle}/invitations`],
]) {
  await p.goto(path);
  await p.waitForLoadState("networkidle");
  await p.screenshot({ path: `/tmp/shots/${tag}-390-${name}.png`, fullPage: true });
}
await p.setViewportSize({ width: 1280, height: 800 });
for (const [name, path] of [
  ["members", `/orgs/${org.handle}/members`],
  ["audit", `/orgs/${org.handle}/audit`],
  ["tokens", `/orgs/${org.handle}/tokens`],
]) {
  await p.goto(path);
  await p.waitForLoadState("networkidle");
  await p.screenshot({ path: `/tmp/shots/${tag}-1280-${name}.png`, fullPage: true });
}
const anon = await browser.newContext({
  baseURL: base,
  viewport: { width: 800, height: 700 },
  colorScheme: process.env.DARK ? "dark" : "light",
});
const ap = await anon.newPage();
await ap.goto("/invite/garbage-garbage-garbage-garbage");
await ap.waitForLoadState("networkidle");
await ap.screenshot({ path: `/tmp/shots/${tag}-invite-garbage.png` });
const fav = await anon.request.get("/favicon.ico");
console.log("favicon", fav.status(), fav.headers()["content-type"]);
await browser.close();
