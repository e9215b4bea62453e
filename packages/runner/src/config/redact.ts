/*
 * Keeping secrets out of logs. Three layers, because any one alone leaks:
 * 1. keys that name a secret (password, token, apiKey, authorization, ...) have their value
 *    replaced wherever they appear in a logged object;
 * 2. credentials inside URLs (`amqp://user:pass@host`) are masked in every string;
 * 3. the secret values of the installation config (see `collectSecrets`) are masked wherever
 *    they appear verbatim, e.g. in an error message a client library built from them.
 */

/** What a redacted value is replaced with. */
export const REDACTED = '[redacted]';

/** Keys whose values are secrets, wherever they appear. */
const SECRET_KEY =
  /^pass$|passw(or)?d|secret|token|api[-_]?key|authori[sz]ation|credential|cookie|bearer|private[-_]?key/i;

/** `scheme://userinfo@`: group 1 the scheme, group 2 the user, group 3 `:password` if any. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@:]*)(:[^\s/?#@]*)?@/gi;

/** An HTTP authorization value: group 1 is the credential after the scheme. */
const AUTH_SCHEME = /^(?:Bearer|Basic|Token|ApiKey|Digest|Negotiate)\s+(\S.*)$/i;

/** Values shorter than this are not masked by value: masking every "ab" would garble logs. */
const MIN_SECRET_LENGTH = 4;

/** True when a key (e.g. `password`, `Authorization`, `apiKey`) names a secret. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** Masks the password of every URL in the text; a URL with only a user name loses that too. */
export function redactUrlCredentials(text: string): string {
  // Every string of every state file passes here: most hold no URL, and a search for the
  // pattern's one fixed part is far cheaper than the pattern.
  if (!text.includes('://')) return text;
  return text.replace(
    URL_USERINFO,
    (_match, scheme: string, user: string, password: string | undefined) =>
      password === undefined ? `${scheme}${REDACTED}@` : `${scheme}${user}:${REDACTED}@`,
  );
}

/** The password (and a user-only userinfo) of a URL, raw and decoded; none if it is no URL. */
function urlSecrets(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(URL_USERINFO)) {
    const secret = match[3] === undefined ? match[2] : match[3].slice(1);
    if (secret === undefined || secret === '') continue;
    found.push(secret);
    try {
      found.push(decodeURIComponent(secret));
    } catch {
      // Not percent-encoded text: the raw form is enough.
    }
  }
  return found;
}

/**
 * The secret values of a config tree: every string under a secret-named key (also inside
 * `headers`) and every password inside a URL. Register them with a {@link Redactor}.
 */
export function collectSecrets(config: unknown): string[] {
  const secrets = new Set<string>();
  const visit = (value: unknown, underSecretKey: boolean): void => {
    if (typeof value === 'string') {
      if (underSecretKey) {
        secrets.add(value);
        // `Authorization: Bearer <token>`: the token alone may show up elsewhere.
        const credential = AUTH_SCHEME.exec(value)?.[1];
        if (credential !== undefined) secrets.add(credential);
      }
      for (const secret of urlSecrets(value)) secrets.add(secret);
    } else if (Array.isArray(value)) {
      for (const item of value) visit(item, underSecretKey);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value))
        visit(item, underSecretKey || isSecretKey(key));
    }
  };
  visit(config, false);
  return [...secrets];
}

/** Masks secrets in strings and objects before they are logged. */
export class Redactor {
  /** Longest first, so a secret containing another is masked whole. */
  #needles: string[] = [];

  constructor(secrets: Iterable<string> = []) {
    this.add(secrets);
  }

  /** Registers more secret values (short ones are ignored, see the module comment). */
  add(secrets: Iterable<string>): void {
    const needles = new Set(this.#needles);
    for (const secret of secrets) {
      if (secret.length < MIN_SECRET_LENGTH) continue;
      // As written, as it appears inside JSON text, and as it appears inside a URL.
      for (const form of [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)])
        needles.add(form);
    }
    this.#needles = [...needles].sort((a, b) => b.length - a.length);
  }

  /** The text with URL credentials and registered secrets masked. */
  text(text: string): string {
    let out = redactUrlCredentials(text);
    for (const needle of this.#needles)
      if (out.includes(needle)) out = out.split(needle).join(REDACTED);
    return out;
  }

  /**
   * A copy of the value with secret-named keys masked and every string passed through
   * {@link Redactor.text}. Errors become plain `{type, message, stack, code?, cause?}` objects.
   */
  value(value: unknown): unknown {
    return this.#value(value, new WeakSet());
  }

  #value(value: unknown, seen: WeakSet<object>): unknown {
    if (typeof value === 'string') return this.text(value);
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return '[Circular]';
    seen.add(value);
    if (value instanceof Error) {
      const error: Record<string, unknown> = {
        type: value.name,
        message: this.text(value.message),
      };
      if (value.stack !== undefined) error['stack'] = this.text(value.stack);
      const code = (value as { code?: unknown }).code;
      if (code !== undefined) error['code'] = code;
      if (value.cause !== undefined) error['cause'] = this.#value(value.cause, seen);
      return error;
    }
    if (Array.isArray(value)) return value.map((item) => this.#value(item, seen));
    if (value instanceof Date) return value;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] =
        isSecretKey(key) && item !== undefined && item !== null
          ? REDACTED
          : this.#value(item, seen);
    }
    return out;
  }
}

/**
 * The process's one redaction point: every secret the installation registered (`${VAR}`
 * values, secret-named keys, URL passwords), applied to everything that leaves the process —
 * logs, stdout and stderr of the CLI, the outbox and every state file, the run history.
 */
export const processRedactor = new Redactor();

/** Registers secrets with {@link processRedactor}. */
export function registerSecrets(secrets: Iterable<string>): void {
  processRedactor.add(secrets);
}
