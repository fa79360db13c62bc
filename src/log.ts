/**
 * Fivetran's log contract (fivetran-protocol.md §1.1): one JSON object per line on stdout with
 * exactly `level` (INFO | WARNING | SEVERE), `message` and `message-origin: sdk_destination`.
 * Callers pass only names, counts and timings — never secrets or row values; registered secrets
 * that still arrive (inside text a server sent, say) are redacted from every line.
 */
import { redactSecrets } from "./secrets.ts";

export const LOG_LEVELS = ["INFO", "WARNING", "SEVERE"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const RANK: Record<LogLevel, number> = { INFO: 0, WARNING: 1, SEVERE: 2 };

// The constant parts of each line are serialised once.
const PREFIX: Record<LogLevel, string> = {
  INFO: '{"level":"INFO","message":',
  WARNING: '{"level":"WARNING","message":',
  SEVERE: '{"level":"SEVERE","message":',
};
const SUFFIX = ',"message-origin":"sdk_destination"}\n';

export type LogSink = (line: string) => void;

let threshold = RANK.INFO;
let sink: LogSink = (line) => {
  process.stdout.write(line);
};

export function parseLogLevel(text: string): LogLevel | undefined {
  const upper = text.trim().toUpperCase();
  if (upper === "WARN") return "WARNING";
  if (upper === "ERROR") return "SEVERE";
  return (LOG_LEVELS as readonly string[]).includes(upper) ? (upper as LogLevel) : undefined;
}

export function setLogLevel(level: LogLevel): void {
  threshold = RANK[level];
}

/** Redirects log lines (tests capture them); returns the previous sink. */
export function setLogSink(next: LogSink): LogSink {
  const previous = sink;
  sink = next;
  return previous;
}

export function log(level: LogLevel, message: string): void {
  if (RANK[level] < threshold) return;
  sink(PREFIX[level] + JSON.stringify(redactSecrets(message)) + SUFFIX);
}

export const info = (message: string): void => log("INFO", message);
export const warning = (message: string): void => log("WARNING", message);
export const severe = (message: string): void => log("SEVERE", message);
