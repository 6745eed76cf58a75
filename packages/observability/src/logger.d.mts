// Types for logger.mjs, for TypeScript importers (the module itself is plain JavaScript).
export type LogLevel = "debug" | "info" | "warn" | "error";
export type LevelSetting = LogLevel | "silent";
export type LogFormat = "json" | "pretty";
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  enabled(level: LogLevel): boolean;
  child(scope: string, fields?: LogFields): Logger;
  readonly format: LogFormat;
  readonly level: LevelSetting;
}

export interface LoggerOptions {
  level?: LevelSetting;
  format?: LogFormat;
  write?: (line: string) => void;
  color?: boolean;
  scope?: string;
  fields?: LogFields;
}

export const REDACTED: "[redacted]";
export function redactRequestPath(target: string | undefined): string;
export function isSecretField(name: string): boolean;
export function parseLogLevel(value: string | undefined): LevelSetting;
export function parseLogFormat(env: NodeJS.ProcessEnv, interactive: boolean): LogFormat;
export function createLogger(options?: LoggerOptions): Logger;
export function getLogger(scope?: string): Logger;
export function configureLogger(env: NodeJS.ProcessEnv): Logger;
