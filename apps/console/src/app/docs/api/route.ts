import { ApiReference } from "@scalar/nextjs-api-reference";

// The API reference, rendered in the browser by Scalar from the live OpenAPI document. Its script
// is served from this server (public/vendor, copied from the installed package at build time) and
// its default web fonts, telemetry and hosted extras (AI agent, MCP, developer tools) are off: the
// page makes no request to another origin.
export const GET = ApiReference({
  url: "/v1/openapi.json",
  cdn: "/vendor/scalar/api-reference.js",
  pageTitle: "Tenancy API reference",
  withDefaultFonts: false,
  telemetry: false,
  agent: { disabled: true },
  mcp: { disabled: true },
  showDeveloperTools: "never",
  metaData: { title: "Tenancy API reference" },
});
