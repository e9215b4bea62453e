import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import { processRedactor, type Redactor } from './config/redact.js';

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  /** Default `info`. */
  level?: Level | 'silent';
  /** Masks secrets; default one that masks URL credentials and secret-named keys only. */
  redactor?: Redactor;
  /** Where the JSON lines go; default stderr (stdout carries alerts in `replay --format json`). */
  destination?: DestinationStream;
  /** Bound to every line, e.g. `{ component: 'runner' }`. */
  bindings?: Record<string, unknown>;
}

/** The runner's logger: pino, so a `Logger` is what other modules accept. */
export type { Logger } from 'pino';

/**
 * A pino logger whose every line passes through the {@link Redactor}: secret-named keys in
 * logged objects and bindings are masked, and URL credentials and the config's secret values
 * are masked in the final JSON text (so also inside messages and error stacks).
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const redactor = options.redactor ?? processRedactor;
  const destination = options.destination ?? pino.destination({ fd: 2, sync: true });
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: null,
      // Errors are already plain objects here (the redactor converted them, cause chain included).
      serializers: { err: (value: unknown) => value },
      formatters: {
        log: (object) => redactor.value(object) as Record<string, unknown>,
        bindings: (bindings) => redactor.value(bindings) as Record<string, unknown>,
      },
      hooks: { streamWrite: (line) => redactor.text(line) },
    },
    destination,
  );
  return options.bindings === undefined ? logger : logger.child(options.bindings);
}

/** A logger that drops everything (the default of components that take an optional logger). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
