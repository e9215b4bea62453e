/**
 * The helpers MozDef's alerts use (semantics §3.13, §9.5), as one object handed to reactions
 * (`context.helpers`) and as plain functions exported from core.
 */
import { isoformat } from './isoformat.js';
import { mostCommon } from './mostCommon.js';
import { pyFormat, pyFormatNamed } from './pyFormat.js';
import { pyRepr, pyStr } from './pyStr.js';
import {
  addHostnameToIp,
  hostnameFromIp,
  isPrivateIp,
  type ReverseDnsResolver,
} from './reverseDns.js';
import { getValueByPath, isPyTruthy, valueByPath } from './valueByPath.js';

/** The helpers a reaction gets in `context.helpers`. */
export interface AlertHelpers {
  mostCommon: typeof mostCommon;
  valueByPath: typeof valueByPath;
  getValueByPath: typeof getValueByPath;
  isPyTruthy: typeof isPyTruthy;
  pyFormat: typeof pyFormat;
  pyFormatNamed: typeof pyFormatNamed;
  pyStr: typeof pyStr;
  pyRepr: typeof pyRepr;
  isoformat: typeof isoformat;
  isPrivateIp: typeof isPrivateIp;
  /** The host name of an IP through the run's resolver, or `null`. */
  hostnameFromIp(ip: string): Promise<string | null>;
  /** `ip (hostname)` for a private IP that resolves (MozDef's `add_hostname_to_ip`), else the IP. */
  addHostnameToIp(
    ip: string,
    options?: { format?: string; requireInternal?: boolean },
  ): Promise<string>;
}

/** The helpers with the reverse-DNS ones bound to `resolve`. */
export function createAlertHelpers(resolve?: ReverseDnsResolver): AlertHelpers {
  return {
    mostCommon,
    valueByPath,
    getValueByPath,
    isPyTruthy,
    pyFormat,
    pyFormatNamed,
    pyStr,
    pyRepr,
    isoformat,
    isPrivateIp,
    hostnameFromIp: (ip) => hostnameFromIp(ip, resolve),
    addHostnameToIp: (ip, options) =>
      addHostnameToIp(ip, { ...options, ...(resolve ? { resolve } : {}) }),
  };
}

export { Category } from './categories.js';
export { isoformat } from './isoformat.js';
export { mostCommon, type ValueCount } from './mostCommon.js';
export { pyFormat, pyFormatNamed } from './pyFormat.js';
export { pyNumber, pyQuote, pyRepr, pyStr } from './pyStr.js';
export {
  addHostnameToIp,
  hostnameFromIp,
  isPrivateIp,
  mozdefMockReverseDns,
  reverseDnsFromTable,
  systemReverseDns,
  type AddHostnameOptions,
  type ReverseDnsResolver,
} from './reverseDns.js';
export { getValueByPath, isPyTruthy, valueByPath } from './valueByPath.js';
