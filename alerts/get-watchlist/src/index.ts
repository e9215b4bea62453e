import {
  Category,
  defineAlert,
  isAlertkitError,
  pyFormat,
  Severity,
  z,
  type AlertLogger,
} from '@alertkit/core';
import { parseQueryString, queryString, search } from '@alertkit/query';
import { SignJWT } from 'jose';

/** MozDef's `get_watchlist.conf` as a zod schema, with MozDef's defaults. */
const configSchema = z
  .object({
    apiUrl: z
      .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
      .default('http://localhost:8081/getwatchlist')
      .describe(
        "MozDef's `api_url`: the REST endpoint that answers a JSON array of watch terms (MozDef's `/getwatchlist`)",
      ),
    jwtSecret: z
      .string()
      .default('secret')
      .describe(
        "MozDef's `jwt_secret`: the HS256 key of the bearer token (give it as a `${VAR}` reference)",
      ),
    useAuth: z
      .boolean()
      .default(false)
      .describe("MozDef's `use_auth`: send `Authorization: Bearer <JWT>` signed with `jwtSecret`"),
    timeoutMs: z
      .int()
      .min(1)
      .default(10_000)
      .describe(
        'How long to wait for the watch list, in milliseconds (MozDef waited without limit)',
      ),
  })
  .refine((config) => !config.useAuth || config.jwtSecret !== '', {
    message: 'must not be empty when useAuth is true',
    path: ['jwtSecret'],
  });

/** The alert's config (MozDef's `get_watchlist.conf`): the output of its schema. */
export type GetWatchlistConfig = z.output<typeof configSchema>;

/** One search of a run: the config and the watch term it looks for (set by `prepare`). */
export type WatchTermSearch = GetWatchlistConfig & { term?: string };

/** The URL as it may be logged: no credentials, no query string. */
function shown(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

/**
 * The watch terms the API answers, in its order; `[]` (after logging why) when it cannot be
 * reached, answers an error, or answers something other than a JSON array of strings. A term
 * that is blank or not valid Lucene is logged and left out; the others are kept.
 */
export async function fetchWatchTerms(
  config: GetWatchlistConfig,
  log: AlertLogger,
): Promise<string[]> {
  const url = shown(config.apiUrl);
  // Credentials in the URL are sent as basic auth, as Python's requests does, unless the JWT is
  // on (requests' explicit auth wins); fetch itself refuses a URL that holds them.
  const target = new URL(config.apiUrl);
  const basic =
    target.username === ''
      ? undefined
      : `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`;
  target.username = '';
  target.password = '';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (config.useAuth) {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(new TextEncoder().encode(config.jwtSecret));
    headers.authorization = `Bearer ${token}`;
  } else if (basic !== undefined) {
    headers.authorization = `Basic ${Buffer.from(basic).toString('base64')}`;
  }
  let response: Response;
  let body: string;
  try {
    response = await fetch(target, { headers, signal: AbortSignal.timeout(config.timeoutMs) });
    body = await response.text();
  } catch (error) {
    const cause = error instanceof Error ? (error.cause ?? error) : error;
    const reason = (cause instanceof Error ? cause.message : String(cause))
      .replaceAll(config.apiUrl, url)
      .replaceAll(target.href, url);
    log.error({ url, reason }, 'the watch list could not be fetched; no watch term is searched');
    return [];
  }
  if (!response.ok) {
    log.error(
      { url, status: response.status },
      `the watch list request failed with status ${response.status}; no watch term is searched`,
    );
    return [];
  }
  let list: unknown;
  try {
    list = JSON.parse(body);
  } catch {
    list = undefined;
  }
  if (!Array.isArray(list) || list.some((term) => typeof term !== 'string')) {
    log.error(
      { url, body: body.length > 200 ? `${body.slice(0, 200)}…` : body },
      'the watch list is not a JSON array of strings; no watch term is searched',
    );
    return [];
  }
  return (list as string[]).filter((term) => {
    if (term.trim() === '') {
      // Elasticsearch matches nothing for a blank query string.
      log.warn({ url, term }, 'a blank watch term is skipped');
      return false;
    }
    try {
      parseQueryString(term);
      return true;
    } catch (error) {
      if (!isAlertkitError(error)) throw error;
      // MozDef sent it anyway: Elasticsearch refused the search and the run stopped there.
      log.error(
        { url, term, reason: error.message },
        'a watch term is not valid Lucene; it is skipped',
      );
      return false;
    }
  });
}

/** `'x' in d` for an event's `details`, which MozDef's code assumes to be a dict. */
function has(details: unknown, key: string): details is Record<string, unknown> {
  return (
    details !== null &&
    typeof details === 'object' &&
    !Array.isArray(details) &&
    Object.hasOwn(details, key)
  );
}

/**
 * An event matched a term of the watch list (a user, an address, a host someone is watching),
 * searched as Lucene over every field in the last 20 minutes. One alert per event; an event
 * alerts for the first term of the list that finds it. Port of MozDef's `AlertWatchList`
 * (alerts/get_watchlist.py).
 */
export const alert = defineAlert<WatchTermSearch>({
  name: 'get-watchlist',
  classname: 'AlertWatchList',
  description: 'An event matched a term of the watch list (fetched from the MozDef REST API)',
  severity: Severity.WARNING,
  category: Category.WATCHLIST,
  tags: ['watchtarget'],
  config: configSchema,
  // One search per watch term, in the list's order, as MozDef's loop over the terms.
  prepare: async (config, { log }) =>
    (await fetchWatchTerms(config, log)).map((term) => ({ ...config, term })),
  criteria: (config) =>
    search({ minutes: 20 }).must(
      // MozDef's QueryStringMatch(term): the term is the whole query, raw Lucene over every
      // field. Never escaped (that would change what MozDef finds) and never joined with other
      // terms (one term's syntax cannot reach another's search). Without a term (validation,
      // before the list is fetched) the criteria match nothing.
      config.term === undefined ? { type: 'matchNone' } : queryString(config.term),
    ),
  onEvent: (event, { config }) => {
    const source = event._source;
    if (!Object.hasOwn(source, 'details') || !Object.hasOwn(source, 'hostname')) return null;
    const details = source.details;
    const sourceData = has(details, 'sourceipaddress')
      ? pyFormat('from {}', details.sourceipaddress)
      : '';
    const userKey = ['username', 'originaluser', 'user'].find((key) => has(details, key));
    const userData =
      userKey !== undefined && has(details, userKey) ? pyFormat('by {}', details[userKey]) : '';
    return {
      // Empty parts leave double spaces, as in MozDef.
      summary: pyFormat(
        'Watchlist term {} detected {} {} on {}',
        config.term,
        userData,
        sourceData,
        source.hostname,
      ),
    };
  },
});

export default alert;
