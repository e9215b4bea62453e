/**
 * The messages between the runner (main thread) and an alert worker: the worker runs `runAlert`
 * and calls back for everything that lives in the main thread (the store, reverse DNS, plugins)
 * over a `MessagePort` passed with the task. Only structured-cloneable data crosses.
 */
import type { MessagePort } from 'node:worker_threads';
import {
  AlertkitError,
  isAlertkitError,
  type AlertDocument,
  type AlertkitErrorCode,
  type RunAlertResult,
} from '@alertkit/core';

/** What the main thread serves to a worker's run. */
export type ServiceName = 'store' | 'reverseDns' | 'plugins' | 'log';

/** A call from the worker to a main-thread service. */
export interface ServiceCall {
  id: number;
  service: ServiceName;
  /** The store's method, or the log level; unused for the function services. */
  method: string;
  args: unknown[];
}

/** An error as it crosses threads: enough to rebuild an `AlertkitError` on the other side. */
export interface WireError {
  message: string;
  code?: string;
  name?: string;
  /** An `AlertkitError`'s details (what a refused event's error names: field, value). */
  details?: Record<string, unknown>;
  /** An action's `ActionError.permanent` (not retried). */
  permanent?: boolean;
}

/** The main thread's answer to a {@link ServiceCall}. */
export type ServiceReply =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WireError };

/** One alert run, as posted to the pool. */
export interface AlertTask {
  kind: 'run';
  /** `file:` URL of the module exporting the alert. */
  module: string;
  /** The alert's name: which export of the module (a module may export several alerts). */
  alert: string;
  now: Date;
  config?: unknown;
  hitLimit?: number;
  /** The store's method names (so the worker's store has exactly the methods the real one has). */
  storeMethods: string[];
  reverseDns: boolean;
  plugins: boolean;
  port: MessagePort;
}

/** One plugin call, as posted to the pool: the plugin module's default export on a document. */
export interface PluginTask {
  kind: 'plugin';
  /** `file:` URL of the module default-exporting the plugin. */
  module: string;
  document: AlertDocument;
  /** The plugin's parsed config (structured-cloneable). */
  config: unknown;
  now: Date;
  alertId: string;
  /** Whether `context.search` may call the main thread's store. */
  store: boolean;
  port: MessagePort;
}

/** A worker's answer to a {@link PluginTask}. */
export type PluginTaskResult =
  { ok: true; document: AlertDocument | null } | { ok: false; error: WireError };

/** One action call, as posted to the pool: the action module's default export on an alert. */
export interface ActionTask {
  kind: 'action';
  /** `file:` URL of the module default-exporting the action. */
  module: string;
  alert: unknown;
  config: unknown;
  attempt: number;
  port: MessagePort;
}

/** A worker's answer to an {@link ActionTask}. */
export type ActionTaskResult =
  { ok: true; result: { detail?: string } | undefined } | { ok: false; error: WireError };

/** Imports modules ahead of the first run, so a cycle does not pay for it. */
export interface WarmTask {
  kind: 'warm';
  modules: string[];
}

/** A worker's answer to an {@link AlertTask}. */
export type AlertTaskResult =
  | { ok: true; result: RunAlertResult }
  | { ok: false; error: WireError }
  | { ok: false; missing: true };

/** Turns any thrown value into a {@link WireError}. */
export function toWireError(error: unknown): WireError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const permanent = (error as { permanent?: unknown }).permanent;
    const details = isAlertkitError(error) ? error.details : undefined;
    return {
      message: error.message,
      name: error.name,
      ...(typeof code === 'string' ? { code } : {}),
      ...(permanent === true ? { permanent } : {}),
      ...(details !== undefined ? { details } : {}),
    };
  }
  return { message: String(error) };
}

/** The error a {@link WireError} describes: an `AlertkitError` when it was one. */
export function fromWireError(error: WireError): Error {
  return error.code && error.name === 'AlertkitError'
    ? new AlertkitError(
        error.code as AlertkitErrorCode,
        error.message,
        error.details ? { details: error.details } : {},
      )
    : Object.assign(new Error(error.message), error.name ? { name: error.name } : {});
}
