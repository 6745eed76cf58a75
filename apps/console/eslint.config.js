import config from "@tenancy/eslint-config/react";

export default config;
