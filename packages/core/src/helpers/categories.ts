/**
 * Every alert category MozDef's alerts use (the `category` of their alert documents), so ports
 * write `Category.BRUTEFORCE` rather than a bare string. Categories are free text: alerts may use
 * others.
 */
export const Category = Object.freeze({
  ACCESS: 'access',
  AWS_CLOUDTRAIL: 'AWSCloudtrail',
  BRO: 'bro',
  BRUTEFORCE: 'bruteforce',
  BYPASS: 'bypass',
  CORRELATED_ALERTS: 'correlatedalerts',
  DEADMAN: 'deadman',
  DUOSECURITY: 'duosecurity',
  EXECVE: 'execve',
  GEOMODEL: 'geomodel',
  HTTPERRORS: 'httperrors',
  LDAP: 'ldap',
  MAINTENANCE: 'maintenance',
  NSM: 'nsm',
  OPENVPN: 'openvpn',
  PROMISC: 'promisc',
  SESSION: 'session',
  SQUID: 'squid',
  TRACE: 'trace',
  WATCHLIST: 'watchlist',
  WRITE: 'write',
} as const);

/** One of MozDef's alert categories. */
export type Category = (typeof Category)[keyof typeof Category];
