import config from "@tenancy/eslint-config/react";

// public/vendor holds third-party bundles copied at build time (the API reference's script).
export default [{ ignores: ["public/vendor/**"] }, ...config];
