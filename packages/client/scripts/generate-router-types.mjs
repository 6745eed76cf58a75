#!/usr/bin/env node
// Writes src/generated/router.ts: the app router's type for clients, self-contained. It walks the
// server router's type with the TypeScript checker and prints every procedure's input and output as
// plain types (objects, unions, literals, arrays, Date), so the published declarations carry no path
// into @tenancy/api, no zod types and no Prisma types (the server's context type is dropped: clients
// never see it). The output is then compiled on its own, with only @trpc/server, to prove it.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import ts from "typescript";

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outFile = path.join(packageDir, "src", "generated", "router.ts");
const probeFile = path.join(packageDir, "src", "generated", "__probe.ts");

const compilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.Preserve,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  skipLibCheck: true,
  noEmit: true,
  types: [],
};

function programWith(files) {
  const host = ts.createCompilerHost(compilerOptions);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (name) => files.get(path.resolve(name)) ?? readFile(name);
  host.fileExists = (name) => files.has(path.resolve(name)) || fileExists(name);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version) => {
    const text = files.get(path.resolve(name));
    return text !== undefined ? ts.createSourceFile(name, text, version) : getSourceFile(name, version);
  };
  return ts.createProgram([...files.keys()], compilerOptions, host);
}

const probe = `import type { AppRouter } from "@tenancy/api/router";
import type { ErrorReason } from "@tenancy/api/errors";
export type Reason = ErrorReason;
export type Record = AppRouter["_def"]["record"];
export type ErrorShape = AppRouter["_def"]["_config"]["$types"]["errorShape"];
`;
const program = programWith(new Map([[probeFile, probe]]));
const checker = program.getTypeChecker();
const source = program.getSourceFile(probeFile);
const diagnostics = ts.getPreEmitDiagnostics(program, source);
if (diagnostics.length > 0) {
  console.error(ts.formatDiagnosticsWithColorAndContext(diagnostics, ts.createCompilerHost(compilerOptions)));
  process.exit(1);
}
const aliasType = (name) => {
  const statement = source.statements.find((s) => ts.isTypeAliasDeclaration(s) && s.name.text === name);
  return checker.getTypeAtLocation(statement.name);
};

const F = ts.TypeFlags;
const propertyName = (name) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));

/** Prints a type structurally. Only what DTOs and inputs are made of is supported; anything else fails loudly. */
function print(type, indent, seen = new Set()) {
  if (type.flags & F.Any) return "any";
  if (type.flags & F.Unknown) return "unknown";
  if (type.flags & F.Never) return "never";
  if (type.flags & F.Void) return "void";
  if (type.flags & F.Undefined) return "undefined";
  if (type.flags & F.Null) return "null";
  if (type.flags & F.String) return "string";
  if (type.flags & F.Number) return "number";
  if (type.flags & F.Boolean) return "boolean";
  if (type.flags & F.BigInt) return "bigint";
  if (type.flags & F.StringLiteral) return JSON.stringify(type.value);
  if (type.flags & F.NumberLiteral) return String(type.value);
  if (type.flags & F.BooleanLiteral) return checker.typeToString(type);
  if (type.isUnion()) return printUnion(type.types, indent, seen);
  return printNonUnion(type, indent, seen);
}

function printUnion(types, indent, seen) {
  const parts = types.map((t) => print(t, indent, seen));
  // `true | false` is how the checker stores boolean.
  const hasTrue = parts.includes("true");
  const hasFalse = parts.includes("false");
  const rest = parts.filter((p) => !(hasTrue && hasFalse && (p === "true" || p === "false")));
  return [...new Set([...(hasTrue && hasFalse ? ["boolean"] : []), ...rest])].join(" | ");
}

function printNonUnion(type, indent, seen) {
  const next = `${indent}  `;
  const symbol = type.getSymbol();
  if (symbol?.getName() === "Date" && checker.getPropertyOfType(type, "toISOString")) return "Date";
  if (checker.isArrayType(type) || checker.isTupleType(type)) {
    if (checker.isTupleType(type)) throw new Error("Tuples are not supported");
    const [element] = checker.getTypeArguments(type);
    const readonly = symbol?.getName() === "ReadonlyArray";
    const inner = print(element, indent, seen);
    const wrapped = /[|&]/.test(inner) ? `(${inner})` : inner;
    return readonly ? `readonly ${wrapped}[]` : `${wrapped}[]`;
  }
  if (type.flags & F.Object || type.isIntersection()) {
    if (seen.has(type)) throw new Error(`Recursive type ${checker.typeToString(type)} is not supported`);
    if (checker.getSignaturesOfType(type, ts.SignatureKind.Call).length > 0) {
      throw new Error(`Function type ${checker.typeToString(type)} is not supported`);
    }
    seen = new Set(seen).add(type);
    const lines = [];
    for (const info of checker.getIndexInfosOfType(type)) {
      lines.push(`${next}[key: ${print(info.keyType, next, seen)}]: ${print(info.type, next, seen)};`);
    }
    for (const property of checker.getPropertiesOfType(type)) {
      const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
      const propertyType = checker.getTypeOfSymbol(property);
      // Optional properties carry `| undefined`: say it once, through `?`.
      const printed =
        optional && propertyType.isUnion()
          ? printUnion(
              propertyType.types.filter((t) => !(t.flags & F.Undefined)),
              next,
              seen,
            )
          : print(propertyType, next, seen);
      lines.push(`${next}${propertyName(property.getName())}${optional ? "?" : ""}: ${printed};`);
    }
    return lines.length === 0 ? "{}" : `{\n${lines.join("\n")}\n${indent}}`;
  }
  throw new Error(`Cannot print type ${checker.typeToString(type)}`);
}

const property = (type, name) => {
  const symbol = checker.getPropertyOfType(type, name);
  return symbol ? checker.getTypeOfSymbol(symbol) : undefined;
};

function printRecord(record, indent) {
  const next = `${indent}  `;
  const lines = [];
  for (const entry of checker.getPropertiesOfType(record)) {
    const type = checker.getTypeOfSymbol(entry);
    const def = property(type, "_def");
    const kind = def && property(def, "type");
    if (kind && kind.flags & F.StringLiteral) {
      const types = property(def, "$types");
      const procedure = kind.value === "query" ? "TRPCQueryProcedure" : "TRPCMutationProcedure";
      if (kind.value === "subscription") throw new Error("Subscriptions are not supported yet");
      lines.push(
        `${next}${entry.getName()}: ${procedure}<{\n${next}  input: ${print(property(types, "input"), `${next}  `)};\n` +
          `${next}  output: ${print(property(types, "output"), `${next}  `)};\n${next}  meta: object;\n${next}}>;`,
      );
    } else {
      lines.push(`${next}${entry.getName()}: ${printRecord(type, next)};`);
    }
  }
  return `{\n${lines.join("\n")}\n${indent}}`;
}

const output = `// Generated by scripts/generate-router-types.mjs from the server's router. Do not edit.
import type { TRPCBuiltRouter, TRPCMutationProcedure, TRPCQueryProcedure } from "@trpc/server";

/** Every machine-readable error code (\`error.data.reason\`) the API answers with. */
export type TenancyErrorCode = ${print(aliasType("Reason"), "")};

/** The shape of an error answer of the tRPC endpoint (\`error.data.reason\` is the machine-readable code). */
export type TenancyErrorShape = ${print(aliasType("ErrorShape"), "")};

/** The Tenancy API's tRPC router, as clients see it: every procedure's input and output. */
export type AppRouter = TRPCBuiltRouter<
  { ctx: object; meta: object; errorShape: TenancyErrorShape; transformer: true },
  ${printRecord(aliasType("Record"), "  ")}
>;
`;

// Prove it is self-contained: compile it alone, where @tenancy/api does not resolve.
const check = programWith(new Map([[outFile, output]]));
const problems = ts.getPreEmitDiagnostics(check).filter((d) => d.file?.fileName === path.resolve(outFile));
if (problems.length > 0 || /@tenancy\/api|import\(/.test(output)) {
  console.error(ts.formatDiagnosticsWithColorAndContext(problems, ts.createCompilerHost(compilerOptions)));
  console.error("The generated router type is not self-contained.");
  process.exit(1);
}
mkdirSync(path.dirname(outFile), { recursive: true });
writeFileSync(outFile, output);
console.log(`wrote ${path.relative(packageDir, outFile)}`);
