/**
 * Every key and scalar value of a document, strings lower-cased, plus `*` (MozDef's `dict2List`,
 * which its alert-action worker matches registrations against).
 */
export function registrationTerms(value: unknown, into: Set<string> = new Set(['*'])): Set<string> {
  if (Array.isArray(value)) for (const item of value) registrationTerms(item, into);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      into.add(key.toLowerCase());
      registrationTerms(item, into);
    }
  } else if (typeof value === 'string') into.add(value.toLowerCase());
  else if (typeof value === 'number' || typeof value === 'boolean') into.add(String(value));
  return into;
}

/** True when one of `registration` (lower case) is among the document's terms. */
export function registrationMatches(registration: readonly string[], terms: Set<string>): boolean {
  return registration.some((term) => terms.has(term));
}
