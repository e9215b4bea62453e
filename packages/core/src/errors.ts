/**
 * Stable, documented error codes. Never renamed once released: add, don't change.
 * The CLI maps them to exit codes and one-line messages.
 */
export type AlertkitErrorCode =
  /** An alert declaration is malformed (bad name, window, severity, reaction, ...). */
  | 'ALERT_INVALID'
  /** Alert or installation config failed validation; `details` names the key and reason. */
  | 'CONFIG_INVALID'
  /** A query (builder input, DSL, query_string) is malformed or unsupported. */
  | 'QUERY_INVALID'
  /** A query_string could not be parsed; `details.position` is the offset in the query. */
  | 'QUERY_SYNTAX'
  /** A value cannot be parsed as the type its field is mapped to (e.g. a non-IP on an ip field). */
  | 'MAPPING_CONFLICT'
  /** An event or events file could not be read. */
  | 'EVENT_INVALID'
  /** A reaction (onEvent, onAggregation, onNoEvent) threw; `cause` is the original error. */
  | 'REACTION_FAILED'
  /** An alert's `prepare` step threw (e.g. a list it needs could not be had); `cause` is the original error. */
  | 'PREPARE_FAILED'
  /** An alert's `afterRun` step threw (after its alerts were saved); `cause` is the original error. */
  | 'AFTER_RUN_FAILED'
  /** The store could not be reached or answered with an error. */
  | 'STORE_UNAVAILABLE'
  /** A sink rejected an alert; the alert stays in the alert store for retry. */
  | 'SINK_FAILED';

/** The one error class of alertkit: callers switch on `code`. */
export class AlertkitError extends Error {
  override readonly name = 'AlertkitError';
  readonly code: AlertkitErrorCode;
  readonly details?: Readonly<Record<string, unknown>>;

  constructor(
    code: AlertkitErrorCode,
    message: string,
    options?: ErrorOptions & { details?: Record<string, unknown> },
  ) {
    super(message, options);
    this.code = code;
    if (options?.details !== undefined) this.details = options.details;
  }
}

/**
 * True for an {@link AlertkitError}, also across duplicate copies of core (where `instanceof`
 * fails because each copy has its own class).
 */
export function isAlertkitError(error: unknown): error is AlertkitError {
  return error instanceof Error && error.name === 'AlertkitError' && 'code' in error;
}
