/**
 * @alertkit/harness: test alerts the way MozDef's test suite does, in milliseconds, with no
 * server: positive and negative cases over a fresh embedded store at a frozen now.
 */
export { DEFAULT_NOW, at, isoformat, minutesAgo } from './clock.js';
