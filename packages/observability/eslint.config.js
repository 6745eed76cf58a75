import config from "@tenancy/eslint-config/base";

export default config;
