import config from "@tenancy/eslint-config/base";

const TRANSPORT_IMPORTS = {
  patterns: [
    {
      group: ["@trpc/*", "next", "next/*", "**/trpc", "**/http/*", "**/context"],
      message:
        "Services and domain code never see the transport: take the db client, the actor and the access as " +
        "parameters and throw DomainError (trpc.ts maps it). Rate limits, IPs and origins belong in procedures.",
    },
  ],
};

export default [
  ...config,
  {
    files: ["src/services/**/*.ts", "src/domain/**/*.ts"],
    rules: { "no-restricted-imports": ["error", TRANSPORT_IMPORTS] },
  },
];
