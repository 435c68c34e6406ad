/**
 * Structured logs: one JSON line per event. Callers pass fields they chose; nothing here ever
 * receives a request URL, body, cookie or address, so nothing here can leak one.
 */
export type Level = "info" | "warn" | "error";
export type Logger = (level: Level, fields: Record<string, unknown>) => void;

export function createLogger(sink: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Logger {
  return (level, fields) => sink(JSON.stringify({ time: new Date().toISOString(), level, ...fields }));
}
