/** @type {import("prettier").Config} */
export default {
  printWidth: 120,
  trailingComma: "all",
  semi: true,
  singleQuote: false,
};
