import { NextResponse, type NextRequest } from "next/server";

import { LAST_ORG_COOKIE, PATH_HEADER } from "@/lib/redirects";

export function proxy(request: NextRequest) {
  const forwarded = new Headers(request.headers);
  forwarded.set(PATH_HEADER, request.nextUrl.pathname + request.nextUrl.search);
  const response = NextResponse.next({ request: { headers: forwarded } });
  // Remember the organization last opened, so "/" returns to it (only a preference: "/" checks membership).
  const org = /^\/orgs\/([a-z0-9-]{1,64})(?:\/|$)/.exec(request.nextUrl.pathname)?.[1];
  if (org && request.cookies.get(LAST_ORG_COOKIE)?.value !== org) {
    response.cookies.set(LAST_ORG_COOKIE, org, {
      path: "/",
      sameSite: "lax",
      httpOnly: true,
      maxAge: 60 * 60 * 24 * 365,
    });
  }
  return response;
}

export const config = {
  // Pages only: not the APIs, not static assets.
  matcher: ["/((?!api/|v1/|_next/|favicon.ico|.*\\.(?:svg|png|jpg|ico|css|js)$).*)"],
};
