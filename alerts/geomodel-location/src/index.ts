import {
  defineAlert,
  durationToMs,
  isoformat,
  type JsonObject,
  type ReactionContext,
  type StoredEvent,
} from '@alertkit/core';
import { match, queryString, range, search, subnet } from '@alertkit/query';
import { configSchema, type GeomodelConfig } from './config.js';
import { asnMovement, openAsnDatabase, pipeFactors, type Factor } from './factors.js';
import {
  localityFromEvent,
  parseInstant,
  removeOutdated,
  stateFromJson,
  stateToJson,
  updateState,
  type Locality,
} from './locality.js';
import { hopEndToJson, impossibleHops, travelSummary, type Hop } from './travel.js';

/** The state document holding where the previous run ended (MozDef's execution record). */
export const EXECUTION_STATE_ID = 'execution_state';

/** The state document id of a user's localities. */
export const localityStateId = (username: string): string => `locality:${username}`;

/** Where a run's search starts: the previous run's end, else `now - searchWindow`. */
function searchFrom(config: GeomodelConfig, now: Date): Date {
  return config.searchFrom === undefined
    ? new Date(now.getTime() - durationToMs(config.events.searchWindow))
    : new Date(config.searchFrom);
}

async function factorsOf(config: GeomodelConfig): Promise<Factor[]> {
  const asn = config.factors.asnMovement;
  if (asn === null) return [];
  return [asnMovement(await openAsnDatabase(asn.maxmindDbPath), config.asnMovementSeverity)];
}

/** Newest first by `utctimestamp`, as MozDef sorts a group's events (events without one count as now). */
function newestFirst(events: readonly StoredEvent[], now: Date): StoredEvent[] {
  const at = (e: StoredEvent): number => parseInstant(e._source.utctimestamp) ?? now.getTime();
  return [...events].sort((a, b) => at(b) - at(a));
}

async function onUser(
  username: string,
  events: readonly StoredEvent[],
  { config, now, state }: ReactionContext<GeomodelConfig>,
) {
  const fromEvents = newestFirst(events, now)
    .map((event) => localityFromEvent(event, now))
    .filter((loc): loc is Locality => loc !== undefined);
  const id = localityStateId(username);
  const stored = stateFromJson(await state.get(id)) ?? { username, localities: [] };
  const cleaned = removeOutdated(stored, config.localities.validDurationDays, now);
  // The alert is decided before the state is updated with the events.
  const hops = impossibleHops(fromEvents, cleaned.state.localities);
  const updated = updateState(cleaned.state, fromEvents);
  // As in MozDef, a change made only by the expiry is not written.
  if (updated.didUpdate) await state.put(id, stateToJson(updated.state));
  if (hops.length === 0) return null;

  const factored = pipeFactors(
    { hops, severity: config.severity, factors: [] },
    await factorsOf(config),
  );
  const last = (hops.at(-1) as Hop).destination.ip;
  const details: JsonObject = {
    username,
    hops: hops.map((hop) => ({
      origin: hopEndToJson(hop.origin),
      destination: hopEndToJson(hop.destination),
    })),
    sourceipaddress: last,
    sourceipv4address: last,
    factors: factored.factors,
  };
  return {
    summary: travelSummary(username, hops),
    severity: factored.severity,
    events: [...events],
    extra: { details },
  };
}

/**
 * MozDef's GeoModel (`geomodel_location.py`): impossible travel. Follows each user's
 * localities (where they acted from, by the geolocation the events carry) in the alert's state,
 * and alerts when two consecutive actions are too far apart for the time between them. Each
 * run searches the events received since the previous run ended (its execution record).
 */
export const alert = defineAlert<GeomodelConfig>({
  name: 'geomodel-location',
  classname: 'AlertGeoModel',
  description:
    'Impossible travel: a user seen in two places too far apart for the time between them (MozDef GeoModel)',
  severity: 'INFO',
  category: 'geomodel',
  tags: ['geomodel'],
  config: configSchema,
  async prepare(config, { now, state }) {
    // Fail the run early (PREPARE_FAILED) when the ASN database cannot be opened.
    await factorsOf(config);
    const record = await state.get(EXECUTION_STATE_ID);
    const previous = parseInstant(record?.execution_time);
    return [
      {
        ...config,
        searchFrom: isoformat(
          previous === undefined ? searchFrom(config, now) : new Date(previous),
        ),
      },
    ];
  },
  criteria: (config, { now }) =>
    search()
      .must(
        range('receivedtimestamp', searchFrom(config, now), now),
        queryString(config.events.luceneQuery),
      )
      .mustNot(
        match('details.username', ''),
        ...config.whitelist.users.map((user) => match('details.username', user)),
        ...config.whitelist.cidrs.map((cidr) => subnet('details.sourceipaddress', cidr)),
      ),
  aggregate: { field: 'details.username', threshold: 1, samples: 1000 },
  onAggregation: (group, context) => onUser(String(group.value), group.events, context),
  async afterRun(_config, { now, state }) {
    await state.put(EXECUTION_STATE_ID, {
      type_: 'execution_state',
      execution_time: isoformat(now),
    });
  },
});

export default alert;

export { configSchema, type GeomodelConfig } from './config.js';
export {
  asnMovement,
  openAsnDatabase,
  pipeFactors,
  type AsnLookup,
  type Enhancement,
  type Factor,
  type FactoredAlert,
} from './factors.js';
export {
  DEFAULT_RADIUS_KM,
  EARTH_RADIUS_KM,
  distance,
  localityFromEvent,
  removeOutdated,
  stateFromJson,
  stateToJson,
  updateState,
  type Coordinates,
  type Locality,
  type LocalityState,
} from './locality.js';
export {
  AIR_TRAVEL_SPEED_MPS,
  hopEndToJson,
  impossibleHops,
  travelPossible,
  travelSummary,
  type Hop,
  type HopEnd,
} from './travel.js';
