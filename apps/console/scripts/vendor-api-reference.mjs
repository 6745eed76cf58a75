// Copies the Scalar API reference's browser bundle from the installed package into public/, so
// /docs/api loads it from this server: no CDN at run time (CI and air-gapped installs have no network).
import { copyFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const consoleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// The package exports no path to its browser build: find it through the console's node_modules link.
const packageDir = path.join(consoleDir, "node_modules", "@scalar", "api-reference");
const target = path.join(consoleDir, "public", "vendor", "scalar");
mkdirSync(target, { recursive: true });
copyFileSync(path.join(packageDir, "dist", "browser", "standalone.js"), path.join(target, "api-reference.js"));
