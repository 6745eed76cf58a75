// Config for the Prisma 6 CLI used only by the drift check (src/check-drift.ts sets the env vars).
// engine "js" + a driver adapter lets Prisma run offline on its WASM schema engine, without the
// native engines that cannot be downloaded here.
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";
import pg from "pg";

const url = process.env.DRIFT_DATABASE_URL;
const schema = process.env.DRIFT_SCHEMA;
if (!url || !schema)
  throw new Error("prisma.config.ts: DRIFT_DATABASE_URL and DRIFT_SCHEMA must be set (run src/check-drift.ts)");

// adapter-pg 6.19 rejects the catalog types the schema engine reads while describing a database
// (`name`, `"char"` and their arrays: "Column type 'name' could not be deserialized"). Their values
// arrive as text anyway, so report them as text.
const AS_TEXT = new Map<number, number>([
  [18, 25], // "char"
  [19, 25], // name
  [1002, 1009], // "char"[]
  [1003, 1009], // name[]
]);
function remap<T>(result: T): T {
  for (const field of (result as { fields?: { dataTypeID: number }[] } | undefined)?.fields ?? []) {
    field.dataTypeID = AS_TEXT.get(field.dataTypeID) ?? field.dataTypeID;
  }
  return result;
}
class CatalogTextClient extends pg.Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const callback = args.at(-1);
    if (typeof callback === "function") {
      args[args.length - 1] = (error: unknown, result: unknown) => callback(error, error ? result : remap(result));
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return (super.query as any)(...args);
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const returned = (super.query as any)(...args);
    return returned && typeof returned.then === "function" ? returned.then(remap) : returned;
  }
}

export default defineConfig({
  engine: "js",
  experimental: { adapter: true },
  // allowExitOnIdle: the CLI does not close the pool, which would keep it alive for idleTimeoutMillis.
  adapter: async () => new PrismaPg({ connectionString: url, Client: CatalogTextClient, allowExitOnIdle: true }),
  schema,
});
