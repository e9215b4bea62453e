/**
 * Where an alert reports what it recovered from (a watch list it could not fetch, a term it
 * skipped): the runner hands its own logger (pino's `warn(details, message)` shape fits), the
 * harness collects the lines for tests, and `runAlert` without one writes them to stderr.
 */
export interface AlertLogger {
  warn(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}

/**
 * The logger `runAlert` uses when none is given: one line per message on stderr (never stdout,
 * which carries alerts in `alertkit replay --format json`), naming the alert.
 */
export function stderrAlertLogger(alertName: string): AlertLogger {
  const write = (level: string, details: Record<string, unknown>, message: string): void => {
    const extra = Object.keys(details).length > 0 ? ` ${safeJson(details)}` : '';
    process.stderr.write(`${level} alert "${alertName}": ${message}${extra}\n`);
  };
  return {
    warn: (details, message) => write('warn', details, message),
    error: (details, message) => write('error', details, message),
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) =>
      v instanceof Error ? { name: v.name, message: v.message } : v,
    );
  } catch {
    return String(value);
  }
}
