import config from "@tenancy/eslint-config/base";

export default [...config, { ignores: ["artifacts/**", "test-results/**", "playwright-report/**"] }];
