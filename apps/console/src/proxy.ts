import { NextResponse, type NextRequest } from "next/server";

import { PATH_HEADER } from "@/lib/redirects";

export function proxy(request: NextRequest) {
  const forwarded = new Headers(request.headers);
  forwarded.set(PATH_HEADER, request.nextUrl.pathname + request.nextUrl.search);
  return NextResponse.next({ request: { headers: forwarded } });
}

export const config = {
  // Pages only: not the APIs, not static assets.
  matcher: ["/((?!api/|v1/|_next/|favicon.ico|.*\\.(?:svg|png|jpg|ico|css|js)$).*)"],
};
