import config from "@tenancy/eslint-config/react";

export default [
  ...config,
  {
    files: ["src/**/*.ts", "src/**/*.tsx"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["next", "next/*"],
              message:
                "Widgets are embeddable in any React app: no Next.js imports. Navigate through callbacks (onOpen, onAccepted, ...).",
            },
          ],
        },
      ],
    },
  },
];
