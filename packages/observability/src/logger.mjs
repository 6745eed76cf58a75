// @ts-check
// The one logger of the server process: the HTTP front (apps/console/server.mjs), the app's start-up,
// its email worker and the API package all write through it. Plain JavaScript, so the front (run by
// Node without a build) and the TypeScript code share it.
//
//   TENANCY_LOG_FORMAT  json | pretty. Default: pretty in development (`pnpm dev`) and when stdout is a
//                       terminal (`npm start` typed by a person), JSON lines otherwise (a service
//                       manager, a container, a pipe): what a log collector wants.
//   LOG_LEVEL           debug | info | warn | error | silent (default info).
//
// Fields whose names say they hold a credential (password, secret, token, cookie, authorization,
// link, ...) are written as "[redacted]" whatever their value; callers still never pass secrets.
import { inspect } from "node:util";

/** @typedef {"debug" | "info" | "warn" | "error"} LogLevel */
/** @typedef {LogLevel | "silent"} LevelSetting */
/** @typedef {"json" | "pretty"} LogFormat */
/** @typedef {Record<string, unknown>} LogFields */

/** @type {Record<LevelSetting, number>} */
const SEVERITY = { debug: 20, info: 30, warn: 40, error: 50, silent: 100 };

/** Names accepted in LOG_LEVEL besides ours, as other loggers spell them. */
/** @type {Record<string, LevelSetting>} */
const LEVEL_ALIASES = {
  trace: "debug",
  verbose: "debug",
  warning: "warn",
  fatal: "error",
  off: "silent",
  none: "silent",
};

/**
 * A field holding a credential, by its name (case and separators ignored): passwords, secrets,
 * tokens (not `tokenId`), cookies, Authorization, links (accept and verification links are
 * credentials), join codes.
 */
const SECRET_FIELD = /(password|passwd|secret|token|cookie|authorization|bearer|apikey|link|accepturl|joincode)s?$/;

export const REDACTED = "[redacted]";

/**
 * Path segments that are followed by a credential: `/invite/<token>` (the accept link),
 * `/reset-password/<token>` (Better Auth's reset link, also under /api/auth).
 */
const SECRET_PATH_SEGMENTS = new Set(["invite", "reset-password"]);

/**
 * A request target fit for a log line: the path only (query strings carry tokens: verification
 * links, join codes) with the credential segments replaced, e.g. `/invite/abc?x=1` → `/invite/:token`.
 * @param {string | undefined} target
 * @returns {string}
 */
export function redactRequestPath(target) {
  const raw = (target ?? "/").split(/[?#]/, 1)[0] || "/";
  const segments = raw.split("/");
  for (let index = 1; index < segments.length; index++) {
    if (SECRET_PATH_SEGMENTS.has(segments[index - 1] ?? "") && segments[index]) segments[index] = ":token";
  }
  // Bounded: a log line is not the place for a 10 kB path.
  const path = segments.join("/");
  return path.length > 512 ? `${path.slice(0, 512)}…` : path;
}

/**
 * @param {unknown} error
 * @param {number} depth
 * @returns {Record<string, unknown>}
 */
function serializeError(error, depth = 0) {
  if (!(error instanceof Error)) return { message: String(error) };
  /** @type {Record<string, unknown>} */
  const out = { type: error.name, message: error.message };
  const code = /** @type {{ code?: unknown }} */ (error).code;
  if (typeof code === "string" || typeof code === "number") out.code = code;
  if (error.stack) out.stack = error.stack;
  if (error.cause !== undefined && depth < 3) out.cause = serializeError(error.cause, depth + 1);
  return out;
}

/**
 * @param {unknown} value
 * @param {number} depth
 * @returns {unknown}
 */
function sanitize(value, depth) {
  if (value instanceof Error) return serializeError(value);
  if (value === null || typeof value !== "object") {
    return typeof value === "bigint" ? value.toString() : value;
  }
  if (value instanceof Date) return value.toISOString();
  if (depth >= 4) return "[…]";
  if (Array.isArray(value)) return value.slice(0, 50).map((item) => sanitize(item, depth + 1));
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    out[key] = isSecretField(key) ? REDACTED : sanitize(item, depth + 1);
  }
  return out;
}

/** @param {string} name */
export function isSecretField(name) {
  return SECRET_FIELD.test(name.toLowerCase().replace(/[-_]/g, ""));
}

/**
 * @param {string | undefined} value
 * @returns {LevelSetting}
 */
export function parseLogLevel(value) {
  const text = (value ?? "").trim().toLowerCase();
  if (!text) return "info";
  if (text in SEVERITY) return /** @type {LevelSetting} */ (text);
  const alias = LEVEL_ALIASES[text];
  if (alias) return alias;
  throw new Error(`LOG_LEVEL must be one of debug, info, warn, error, silent (got ${JSON.stringify(value)}).`);
}

/**
 * @param {NodeJS.ProcessEnv} env
 * @param {boolean} interactive stdout is a terminal
 * @returns {LogFormat}
 */
export function parseLogFormat(env, interactive) {
  const text = (env.TENANCY_LOG_FORMAT ?? "").trim().toLowerCase();
  if (text === "json" || text === "pretty") return text;
  if (text)
    throw new Error(`TENANCY_LOG_FORMAT must be json or pretty (got ${JSON.stringify(env.TENANCY_LOG_FORMAT)}).`);
  return env.NODE_ENV === "development" || interactive ? "pretty" : "json";
}

const COLORS = { debug: "\x1b[90m", info: "\x1b[36m", warn: "\x1b[33m", error: "\x1b[31m" };
const DIM = "\x1b[2m";
const RESET = "\x1b[0m";

/** @param {unknown} value */
function prettyValue(value) {
  if (typeof value === "string") return /[\s"=]/.test(value) || value === "" ? JSON.stringify(value) : value;
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  return inspect(value, { breakLength: Infinity, depth: 3 });
}

/**
 * @typedef {object} LoggerOptions
 * @property {LevelSetting} [level]
 * @property {LogFormat} [format]
 * @property {(line: string) => void} [write] where lines go (stdout by default)
 * @property {boolean} [color] colour the pretty format (default: stdout is a terminal and NO_COLOR is unset)
 * @property {string} [scope] e.g. "http", "mail": `[mail]` in pretty lines, `scope` in JSON
 * @property {LogFields} [fields] added to every line
 */

/**
 * @typedef {object} Logger
 * @property {(msg: string, fields?: LogFields) => void} debug
 * @property {(msg: string, fields?: LogFields) => void} info
 * @property {(msg: string, fields?: LogFields) => void} warn
 * @property {(msg: string, fields?: LogFields) => void} error
 * @property {(level: LogLevel) => boolean} enabled
 * @property {(scope: string, fields?: LogFields) => Logger} child
 * @property {LogFormat} format
 * @property {LevelSetting} level
 */

/**
 * @param {LoggerOptions} [options]
 * @returns {Logger}
 */
export function createLogger(options = {}) {
  const level = options.level ?? "info";
  const format = options.format ?? "json";
  const write = options.write ?? ((line) => process.stdout.write(line));
  const color = options.color ?? false;
  const threshold = SEVERITY[level];

  /**
   * @param {string | undefined} scope
   * @param {LogFields} base
   * @returns {Logger}
   */
  const make = (scope, base) => {
    /**
     * @param {LogLevel} lineLevel
     * @param {string} msg
     * @param {LogFields} [fields]
     */
    const emit = (lineLevel, msg, fields) => {
      if (SEVERITY[lineLevel] < threshold) return;
      const data = /** @type {Record<string, unknown>} */ (sanitize({ ...base, ...fields }, 0));
      const time = new Date();
      if (format === "json") {
        write(
          `${JSON.stringify({ time: time.toISOString(), level: lineLevel, ...(scope ? { scope } : {}), msg, ...data })}\n`,
        );
        return;
      }
      let stack = "";
      const pairs = [];
      for (const [key, value] of Object.entries(data)) {
        const error = /** @type {{ stack?: unknown, message?: unknown }} */ (value);
        if (value && typeof value === "object" && typeof error.stack === "string") {
          stack = `\n    ${error.stack.split("\n").join("\n    ")}`;
          pairs.push(`${key}=${prettyValue(error.message)}`);
        } else pairs.push(`${key}=${prettyValue(value)}`);
      }
      const clock = time.toTimeString().slice(0, 8);
      const label = lineLevel.toUpperCase().padEnd(5);
      const head = color ? `${DIM}${clock}${RESET} ${COLORS[lineLevel]}${label}${RESET}` : `${clock} ${label}`;
      const tail = pairs.length > 0 ? (color ? `  ${DIM}${pairs.join(" ")}${RESET}` : `  ${pairs.join(" ")}`) : "";
      write(`${head} ${scope ? `[${scope}] ` : ""}${msg}${tail}${stack}\n`);
    };
    return {
      debug: (msg, fields) => emit("debug", msg, fields),
      info: (msg, fields) => emit("info", msg, fields),
      warn: (msg, fields) => emit("warn", msg, fields),
      error: (msg, fields) => emit("error", msg, fields),
      enabled: (lineLevel) => SEVERITY[lineLevel] >= threshold,
      child: (childScope, fields = {}) => make(childScope, { ...base, ...fields }),
      format,
      level,
    };
  };
  return make(options.scope, options.fields ?? {});
}

/** The process's logger: one per process, configured from the environment on first use. */
const ROOT = Symbol.for("tenancy.logger");

/**
 * The logger for a part of the server (`scope`: "http", "mail", "db", ...), configured once from
 * LOG_LEVEL and TENANCY_LOG_FORMAT. Shared through globalThis: the front and the app's bundle load
 * their own copies of this module, and they must write alike.
 * @param {string} [scope]
 * @returns {Logger}
 */
export function getLogger(scope) {
  const holder = /** @type {{ [ROOT]?: Logger }} */ (/** @type {unknown} */ (globalThis));
  let root = holder[ROOT];
  if (!root) {
    root = configureLogger(process.env);
    holder[ROOT] = root;
  }
  return scope ? root.child(scope) : root;
}

/**
 * Replaces the process's logger with one configured from `env` (throws on an invalid setting).
 * @param {NodeJS.ProcessEnv} env
 * @returns {Logger}
 */
export function configureLogger(env) {
  const interactive = Boolean(process.stdout.isTTY);
  const logger = createLogger({
    level: parseLogLevel(env.LOG_LEVEL),
    format: parseLogFormat(env, interactive),
    color: interactive && !env.NO_COLOR,
  });
  /** @type {{ [ROOT]?: Logger }} */ (/** @type {unknown} */ (globalThis))[ROOT] = logger;
  return logger;
}
