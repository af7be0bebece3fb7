// The minimal logger the transport layer needs (pino-compatible), so net/ and tls/ take any logger and
// import nothing from log/ or config/. SPEC R10.4: callers never pass passwords or message bodies here.

export interface NetLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that drops everything (tests, tools). */
export const silentLogger: NetLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
