/**
 * Why each event of a failing case matched the alert's criteria or not, and the groups it
 * formed: the same explanation `alertkit explain` prints (`@alertkit/query`'s `explainAlert`
 * pieces), so a failing case and the CLI never disagree.
 */
import type { Criteria, StoredEvent } from '@alertkit/core';
import {
  createEmbeddedStore,
  explainCriteria,
  explainGroups,
  formatEventExplanations,
  formatGroups,
  type Explanation,
} from '@alertkit/query';

export { formatExplanation } from '@alertkit/query';

/** The engine's explanation of one clause. */
export type ClauseExplanation = Explanation;

/**
 * Explains every event of a case against `criteria` at `now`, in a fresh store holding the
 * case's events as they were before the run tagged any of them.
 */
export function explainEvents(
  events: readonly StoredEvent[],
  criteria: Criteria,
  now: Date,
): string {
  const store = createEmbeddedStore({ events });
  return formatEventExplanations(explainCriteria(store, events, criteria, now));
}

/** The groups the case's events form (before the threshold), for aggregation alerts. */
export async function describeGroups(
  events: readonly StoredEvent[],
  criteria: Criteria,
  now: Date,
): Promise<string> {
  const store = createEmbeddedStore({ events });
  const aggregation = await explainGroups(
    store,
    explainCriteria(store, events, criteria, now),
    criteria,
    now,
  );
  return aggregation ? formatGroups(aggregation) : '';
}
