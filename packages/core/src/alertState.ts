import { AlertkitError } from './errors.js';
import type { JsonObject } from './event.js';
import type { AlertState, Store } from './store.js';

/**
 * The {@link AlertState} of one alert over a store: its documents live in the scope named after
 * the alert, so two alerts never read each other's state. On a store without the state methods
 * every call rejects with `STORE_UNAVAILABLE` naming the alert (only an alert that uses its
 * state is affected).
 */
export function createAlertState(store: Store, alertName: string): AlertState {
  const fail = (code: 'STORE_UNAVAILABLE' | 'CONFIG_INVALID', message: string): never => {
    throw new AlertkitError(code, `alert "${alertName}": ${message}`, {
      details: { alert: alertName },
    });
  };
  const checkId = (id: string): void => {
    if (typeof id !== 'string' || id === '')
      fail(
        'CONFIG_INVALID',
        `a state document id must be a non-empty string, got ${JSON.stringify(id)}`,
      );
  };
  const noState = 'this store keeps no alert state (it has no getState/putState)';
  return {
    async get(id: string): Promise<JsonObject | undefined> {
      checkId(id);
      if (!store.getState) return fail('STORE_UNAVAILABLE', noState);
      return store.getState(alertName, id);
    },
    async put(id: string, document: JsonObject): Promise<void> {
      checkId(id);
      if (document === null || typeof document !== 'object' || Array.isArray(document))
        fail('CONFIG_INVALID', `state document "${id}" must be a JSON object`);
      if (!store.putState) return fail('STORE_UNAVAILABLE', noState);
      await store.putState(alertName, id, document);
    },
  };
}
