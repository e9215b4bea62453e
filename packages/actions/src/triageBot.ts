import type { JsonObject, StoredAlert } from '@alertkit/core';
import { z } from 'zod';
import { ActionError, defineAction } from './defineAction.js';
import { describeUrl, sendJson } from './http.js';

/** The alerts the triage bot knows (MozDef's `AlertLabel`). */
export type AlertLabel =
  | 'sensitive_host_session'
  | 'duo_bypass_codes_used'
  | 'duo_bypass_codes_generated'
  | 'ssh_access_sign_releng';

/** How sure the action is that the email belongs to the user (MozDef's `Confidence`). */
export type Confidence = 'highest' | 'high' | 'moderate' | 'low' | 'lowest';

/** The request MozDef sends to the Slack triage bot (`AlertTriageRequest`), field for field. */
export interface AlertTriageRequest {
  identifier: string;
  alert: AlertLabel;
  summary: string;
  user: string;
  identityConfidence: Confidence;
}

/** MozDef's default `enabled_alert_classnames`. */
export const TRIAGE_BOT_CLASSNAMES = [
  'AlertGenericLoader:ssh_open_crit',
  'AlertAuthSignRelengSSH',
  'AlertGenericLoader:duosecurity_bypass_generated',
  'AlertGenericLoader:duosecurity_bypass_used',
] as const;

/** The config of {@link triageBot}. */
export const triageBotConfigSchema = z
  .object({
    /** Where the request is POSTed (instead of MozDef's AWS Lambda). */
    url: z.url({ protocol: /^https?$/ }),
    /** Sent as `Authorization: Bearer <token>` to the webhook. */
    token: z.string().min(1).optional(),
    /** The classnames the bot handles (exact case, as MozDef's `enabled_alert_classnames`). */
    enabledAlertClassnames: z
      .array(z.string().min(1))
      .min(1)
      .default([...TRIAGE_BOT_CLASSNAMES]),
    /** The user's email when only a username is known: `<username>@<emailDomain>`, confidence low. */
    emailDomain: z.string().min(1).default('mozilla.com'),
    /**
     * MozDef's REST API, for its duplicate chains (`/alerttriagechain`): a user already asked about
     * this kind of alert is not asked again. Without it every alert is sent.
     */
    restApi: z
      .object({ url: z.url({ protocol: /^https?$/ }), token: z.string().min(1).optional() })
      .strict()
      .optional(),
  })
  .strict();

export type TriageBotConfig = z.infer<typeof triageBotConfigSchema>;

type Builder = (alert: StoredAlert, config: TriageBotConfig) => AlertTriageRequest | null;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `events[0].documentsource` and a dotted path under it, as MozDef reads them. */
function firstEventField(alert: StoredAlert, path: readonly string[]): unknown {
  let value: unknown = alert._source.events[0]?.documentsource;
  for (const key of path) value = isObject(value) ? value[key] : undefined;
  return value;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

const sensitiveHostSession: Builder = (alert, config) => {
  const user = nonEmpty(firstEventField(alert, ['details', 'username']));
  if (user === undefined) return null;
  const host = firstEventField(alert, ['hostname']);
  return {
    identifier: alert._id,
    alert: 'sensitive_host_session',
    summary: `An SSH session to a potentially sensitive host ${String(host)} was made by your user account.`,
    // MozDef's fallback when the Person API knows no profile: confidence low.
    user: `${user}@${config.emailDomain}`,
    identityConfidence: 'low',
  };
};

const duoCodesGenerated: Builder = (alert) => {
  const email = nonEmpty(firstEventField(alert, ['details', 'object']));
  if (email === undefined) return null;
  return {
    identifier: alert._id,
    alert: 'duo_bypass_codes_generated',
    summary:
      'DUO bypass codes have been generated for your account. These credentials should be secured carefully.',
    user: email,
    identityConfidence: 'highest',
  };
};

const duoCodesUsed: Builder = (alert) => {
  const email = nonEmpty(firstEventField(alert, ['details', 'object']));
  if (email === undefined) return null;
  return {
    identifier: alert._id,
    alert: 'duo_bypass_codes_used',
    summary:
      'DUO bypass codes belonging to your account have been used to authenticate.  This should only happen in the case of the loss of other less secret credentials.',
    user: email,
    identityConfidence: 'highest',
  };
};

const sshAccessReleng: Builder = (alert, config) => {
  const user = alert._source.summary.split(' ').at(-1) ?? '';
  const host = nonEmpty(firstEventField(alert, ['details', 'hostname']));
  if (user === '' || host === undefined) return null;
  return {
    identifier: alert._id,
    alert: 'ssh_access_sign_releng',
    summary: `An SSH session was established to host ${host} by your user account.`,
    user: `${user}@${config.emailDomain}`,
    identityConfidence: 'low',
  };
};

const BUILDERS: Record<string, Builder> = {
  'AlertGenericLoader:ssh_open_crit': sensitiveHostSession,
  AlertAuthSignRelengSSH: sshAccessReleng,
  'AlertGenericLoader:duosecurity_bypass_generated': duoCodesGenerated,
  'AlertGenericLoader:duosecurity_bypass_used': duoCodesUsed,
};

/**
 * The triage request for an alert (MozDef's `try_make_outbound`), or null when the classname is
 * not enabled or not supported, or the alert lacks the user.
 */
export function tryMakeOutbound(
  alert: StoredAlert,
  config: TriageBotConfig,
): AlertTriageRequest | null {
  const classname = alert._source.classname;
  const builder = BUILDERS[classname];
  if (builder === undefined || !config.enabledAlertClassnames.includes(classname)) return null;
  return builder(alert, config);
}

/** A failure of MozDef's REST API (MozDef's `APIError`): `message` is the API's `error`. */
export class TriageApiError extends ActionError {}

/** A duplicate chain: the alerts of one kind one user was asked about. */
export interface DuplicateChain {
  identifiers: string[];
  created: Date;
  modified: Date;
}

/** MozDef's REST API settings. */
export type RestApi = NonNullable<TriageBotConfig['restApi']>;

/** MozDef's chain timestamps (`2020/02/19 1:23:45`, or ISO-8601), read as UTC like its `toUTC`. */
export function parseChainTime(text: unknown): Date {
  if (typeof text !== 'string')
    throw new TriageApiError('Duplicate chain data missing created or modified field');
  const m =
    /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/.exec(
      text.trim(),
    );
  const n = (i: number): number => Number(m?.[i] ?? 0);
  const date = m
    ? new Date(
        Date.UTC(
          n(1),
          n(2) - 1,
          n(3),
          n(4),
          n(5),
          n(6),
          Math.round(Number(`0.${m[7] ?? 0}`) * 1000),
        ),
      )
    : new Date(text);
  if (Number.isNaN(date.getTime()))
    throw new TriageApiError('Duplicate chain data contains unexpected timestamps');
  return date;
}

/** The API's `error` as text (it is a string in MozDef's API; anything else is shown as JSON). */
function apiMessage(error: unknown): string {
  return typeof error === 'string' ? error : JSON.stringify(error);
}

async function chainRequest(
  api: RestApi,
  method: 'GET' | 'POST' | 'PUT',
  body: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<{ status: number; data: JsonObject }> {
  const base = `${api.url.replace(/\/+$/, '')}/alerttriagechain`;
  const url =
    method === 'GET'
      ? `${base}?${new URLSearchParams(body as Record<string, string>).toString()}`
      : base;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        accept: 'application/json',
        ...(method !== 'GET' ? { 'content-type': 'application/json' } : {}),
        ...(api.token !== undefined ? { authorization: `Bearer ${api.token}` } : {}),
      },
      ...(method !== 'GET' ? { body: JSON.stringify(body) } : {}),
      ...(signal ? { signal } : {}),
    });
  } catch (cause) {
    throw new TriageApiError(`Failed to make request: ${method} ${describeUrl(base)}`, { cause });
  }
  const text = await response.text();
  let data: unknown;
  try {
    data = JSON.parse(text) as unknown;
  } catch (cause) {
    throw new TriageApiError(`Did not receive JSON response: HTTP ${response.status}`, { cause });
  }
  return { status: response.status, data: isObject(data) ? data : {} };
}

/** The user's chain for this kind of alert, or null (MozDef's `_retrieve_duplicate_chain`). */
export async function retrieveDuplicateChain(
  api: RestApi,
  label: AlertLabel,
  email: string,
  signal?: AbortSignal,
): Promise<DuplicateChain | null> {
  const { status, data } = await chainRequest(api, 'GET', { alert: label, user: email }, signal);
  const error = data['error'];
  if (error !== null && error !== undefined) {
    if (status !== 200) throw new TriageApiError(apiMessage(error));
    return null; // no chain
  }
  const ids = Array.isArray(data['identifiers']) ? data['identifiers'].map(String) : [];
  if (ids.length === 0) return null;
  return {
    identifiers: ids,
    created: parseChainTime(data['created']),
    modified: parseChainTime(data['modified']),
  };
}

/** Starts a chain (POST). */
export async function createDuplicateChain(
  api: RestApi,
  label: AlertLabel,
  email: string,
  ids: readonly string[],
  signal?: AbortSignal,
): Promise<true> {
  const { data } = await chainRequest(
    api,
    'POST',
    { alert: label, user: email, identifiers: ids },
    signal,
  );
  if (data['error'] !== null && data['error'] !== undefined)
    throw new TriageApiError(apiMessage(data['error']));
  return true;
}

/** Adds identifiers to a chain (PUT). */
export async function updateDuplicateChain(
  api: RestApi,
  label: AlertLabel,
  email: string,
  ids: readonly string[],
  signal?: AbortSignal,
): Promise<true> {
  const { data } = await chainRequest(
    api,
    'PUT',
    { alert: label, user: email, identifiers: ids },
    signal,
  );
  if (data['error'] !== null && data['error'] !== undefined)
    throw new TriageApiError(apiMessage(data['error']));
  return true;
}

/**
 * MozDef's triage_bot without AWS: builds the triage request for the enabled alerts and POSTs
 * it (MozDef's Lambda payload, as JSON) to a webhook. With `restApi`, a user already in a
 * duplicate chain for this kind of alert gets the alert added to the chain and no new message;
 * a chain error falls back to sending (MozDef: better noisy than silent).
 */
export const triageBot = defineAction<TriageBotConfig>({
  name: 'triage-bot',
  description: 'asks the user about the alert through a triage-bot webhook (MozDef triage_bot)',
  registration: (config) => config.enabledAlertClassnames.map((name) => name.toLowerCase()),
  priority: 1,
  config: triageBotConfigSchema,
  async run(alert, { config, signal, logger }) {
    const request = tryMakeOutbound(alert, config);
    if (request === null) return { detail: 'not a triage alert, or no user in it' };
    let dispatch = true;
    if (config.restApi !== undefined) {
      try {
        const chain = await retrieveDuplicateChain(
          config.restApi,
          request.alert,
          request.user,
          signal,
        );
        if (chain === null)
          await createDuplicateChain(
            config.restApi,
            request.alert,
            request.user,
            [request.identifier],
            signal,
          );
        else if (!chain.identifiers.includes(request.identifier)) {
          await updateDuplicateChain(
            config.restApi,
            request.alert,
            request.user,
            [request.identifier],
            signal,
          );
          dispatch = false;
        }
        // A chain holding this alert's id is the one an earlier attempt started: send again.
      } catch (error) {
        if (signal.aborted) throw error;
        logger.warn(
          { action: 'triage-bot', alertId: alert._id, err: (error as Error).message },
          'duplicate chain management error; sending anyway',
        );
        dispatch = true;
      }
    }
    if (!dispatch) return { detail: `added to ${request.user}'s duplicate chain; not sent again` };
    await sendJson(config.url, request, {
      ...(config.token !== undefined ? { bearerToken: config.token } : {}),
      signal,
    });
    return { detail: `sent ${request.alert} to ${request.user} (${request.identityConfidence})` };
  },
});

export default triageBot;
