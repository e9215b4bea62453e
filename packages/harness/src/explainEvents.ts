/**
 * Why each event of a failing case matched the alert's criteria or not: the engine's
 * `explain`, printed clause by clause, with the clauses that decided marked.
 */
import type { Criteria, StoredEvent } from '@alertkit/core';
import { createEmbeddedStore } from '@alertkit/query';

/** The engine's explanation of one clause (structurally, as `EmbeddedStore.explain` returns it). */
export interface ClauseExplanation {
  clause: string;
  matched: boolean;
  role?: 'must' | 'filter' | 'mustNot' | 'should';
  values?: Record<string, string[]>;
  queryTokens?: string[];
  error?: string;
  children?: ClauseExplanation[];
}

/**
 * One line per clause: `✓` when the clause lets the event through, `✗` when it rejects it (a
 * `mustNot` clause rejects by matching), with the event's indexed values and, for text
 * matchers, the analysed tokens of the query.
 */
export function formatExplanation(explanation: ClauseExplanation, indent = ''): string {
  const passes = explanation.role === 'mustNot' ? !explanation.matched : explanation.matched;
  const role = explanation.role
    ? `${explanation.role === 'mustNot' ? 'must_not' : explanation.role}: `
    : '';
  let line = `${indent}${passes ? '✓' : '✗'} ${role}${explanation.clause}`;
  if (explanation.role === 'mustNot' && explanation.matched)
    line += ' (matched, so the event is excluded)';
  if (explanation.queryTokens) line += `; query tokens ${JSON.stringify(explanation.queryTokens)}`;
  for (const [path, values] of Object.entries(explanation.values ?? {}))
    line += `; event ${path} ${JSON.stringify(values)}`;
  if (explanation.error !== undefined) line += ` (error: ${explanation.error})`;
  return [
    line,
    ...(explanation.children ?? []).map((child) => formatExplanation(child, `${indent}  `)),
  ].join('\n');
}

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
  const lines: string[] = [];
  for (const event of events) {
    const time = event._source.utctimestamp;
    const stamp = `utctimestamp ${typeof time === 'string' ? time : JSON.stringify(time ?? null)}`;
    let explanation: ClauseExplanation;
    try {
      explanation = store.explain(criteria, event, now);
    } catch (error) {
      lines.push(`  ${event._id} (${stamp}): cannot explain: ${(error as Error).message}`);
      continue;
    }
    if (explanation.matched) lines.push(`  ${event._id} (${stamp}): matched the criteria`);
    else
      lines.push(
        `  ${event._id} (${stamp}): did not match the criteria`,
        formatExplanation(explanation, '    '),
      );
  }
  return lines.join('\n');
}

/** The groups the case's events form (before the threshold), for aggregation alerts. */
export async function describeGroups(
  events: readonly StoredEvent[],
  criteria: Criteria,
  now: Date,
): Promise<string> {
  const aggregation = criteria.aggregation;
  if (!aggregation) return '';
  const store = createEmbeddedStore({ events });
  const { buckets } = await store.aggregate({
    criteria: { ...criteria, aggregation: { ...aggregation, threshold: 1 } },
    now,
  });
  const groups = buckets.map((b) => `${JSON.stringify(b.key)} x${b.count}`).join(', ') || 'none';
  return `  groups by ${aggregation.field} (threshold ${aggregation.threshold}, samples ${aggregation.samples}): ${groups}`;
}
