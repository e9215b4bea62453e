/**
 * Localities: where a user acted from, and when (MozDef's `alerts/geomodel/locality.py`).
 */
import {
  isoformat,
  pyStr,
  type JsonObject,
  type JsonValue,
  type StoredEvent,
} from '@alertkit/core';

/** MozDef's default radius of a locality, in kilometres (the configured one is ignored, as in MozDef). */
export const DEFAULT_RADIUS_KM = 50;

/** MozDef's (approximate) Earth radius, in kilometres. */
export const EARTH_RADIUS_KM = 6373.0;

/** A point on the Earth, in degrees. */
export interface Coordinates {
  latitude: number;
  longitude: number;
}

/** One place a user acted from, and the last time they did. */
export interface Locality extends Coordinates {
  sourceipaddress: string;
  city: string;
  country: string;
  /** The last action seen there, in epoch milliseconds. */
  lastaction: number;
  /** Kilometres within which another locality is the same place. */
  radius: number;
}

/** A user's stored localities (MozDef's `State`; `type_` is kept for MozDef's index layout). */
export interface LocalityState {
  username: string;
  localities: Locality[];
}

/** Great-circle distance in kilometres (haversine, with MozDef's Earth radius). */
export function distance(a: Coordinates, b: Coordinates): number {
  const rad = (degrees: number): number => (degrees * Math.PI) / 180;
  const lat1 = rad(a.latitude);
  const lat2 = rad(b.latitude);
  const dlat = lat2 - lat1;
  const dlon = rad(b.longitude) - rad(a.longitude);
  const h = Math.sin(dlat / 2) ** 2 + Math.cos(lat1) * Math.cos(lat2) * Math.sin(dlon / 2) ** 2;
  return 2 * Math.atan2(Math.sqrt(h), Math.sqrt(1 - h)) * EARTH_RADIUS_KM;
}

/**
 * An instant as MozDef's `toUTC` reads it: an ISO date-time (one without a zone is UTC, not
 * local time as `Date.parse` would take it) or epoch milliseconds; `undefined` otherwise.
 */
export function parseInstant(value: JsonValue | undefined): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const zoned =
    /(?:Z|[+-]\d{2}:?\d{2})$/i.test(value) || !value.includes('T') ? value : `${value}Z`;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? undefined : ms;
}

const object = (value: JsonValue | undefined): JsonObject | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;

/**
 * The locality an event was acted from (MozDef's `from_event`): needs `details.sourceipaddress`
 * and `details.sourceipgeolocation` with `city`, `country_code`, `latitude` and `longitude`,
 * else `undefined`. The time is the event's `utctimestamp` (`now` when it has none).
 */
export function localityFromEvent(
  event: StoredEvent,
  now: Date,
  radius = DEFAULT_RADIUS_KM,
): Locality | undefined {
  const details = object(event._source.details);
  const ip = details?.sourceipaddress;
  const geo = object(details?.sourceipgeolocation);
  if (ip === undefined || ip === null || geo === undefined) return undefined;
  const { city, country_code: country, latitude, longitude } = geo;
  if ([city, country, latitude, longitude].some((v) => v === undefined || v === null))
    return undefined;
  if (typeof latitude !== 'number' || typeof longitude !== 'number') return undefined;
  const lastaction = parseInstant(event._source.utctimestamp ?? isoformat(now));
  if (lastaction === undefined) return undefined;
  return {
    // MozDef keeps whatever the event holds; Python's str() of it is what the summary shows.
    sourceipaddress: pyStr(ip),
    city: pyStr(city),
    country: pyStr(country),
    lastaction,
    latitude,
    longitude,
    radius,
  };
}

/** A locality as stored (MozDef's document shape: `lastaction` in isoformat). */
export function localityToJson(locality: Locality): JsonObject {
  return {
    sourceipaddress: locality.sourceipaddress,
    city: locality.city,
    country: locality.country,
    lastaction: isoformat(locality.lastaction * 1000),
    latitude: locality.latitude,
    longitude: locality.longitude,
    radius: locality.radius,
  };
}

/** The state document of a user, as stored (MozDef's `{type_: "locality", username, localities}`). */
export function stateToJson(state: LocalityState): JsonObject {
  return {
    type_: 'locality',
    username: state.username,
    localities: state.localities.map(localityToJson),
  };
}

/**
 * A stored state document read back, or `undefined` when it is malformed (MozDef treats a
 * document it cannot read as no state at all).
 */
export function stateFromJson(document: JsonObject | undefined): LocalityState | undefined {
  if (document === undefined || typeof document.username !== 'string') return undefined;
  if (!Array.isArray(document.localities)) return undefined;
  const localities: Locality[] = [];
  for (const item of document.localities) {
    const loc = object(item);
    if (!loc) return undefined;
    const { sourceipaddress, city, country, latitude, longitude, radius } = loc;
    const lastaction = parseInstant(loc.lastaction);
    if (
      typeof sourceipaddress !== 'string' ||
      typeof city !== 'string' ||
      typeof country !== 'string' ||
      typeof latitude !== 'number' ||
      typeof longitude !== 'number' ||
      typeof radius !== 'number' ||
      lastaction === undefined
    )
      return undefined;
    localities.push({ sourceipaddress, city, country, lastaction, latitude, longitude, radius });
  }
  return { username: document.username, localities };
}

/** A state with the localities last acted from more than `days` before `now` removed. */
export function removeOutdated(
  state: LocalityState,
  days: number,
  now: Date,
): { state: LocalityState; didUpdate: boolean } {
  const lastValid = now.getTime() - days * 86_400_000;
  const localities = state.localities.filter((loc) => loc.lastaction >= lastValid);
  return {
    state: { username: state.username, localities },
    didUpdate: localities.length !== state.localities.length,
  };
}

/**
 * MozDef's `update`: each locality of the events replaces the first stored one within the
 * smaller radius when it is more recent or from another IP (else nothing changes), or is
 * appended when none is that close. `didUpdate` says whether anything changed.
 */
export function updateState(
  state: LocalityState,
  fromEvents: readonly Locality[],
): { state: LocalityState; didUpdate: boolean } {
  const localities = [...state.localities];
  let didUpdate = false;
  for (const loc of fromEvents) {
    const index = localities.findIndex(
      (stored) => distance(loc, stored) <= Math.min(loc.radius, stored.radius),
    );
    if (index === -1) {
      localities.push(loc);
      didUpdate = true;
      continue;
    }
    const stored = localities[index] as Locality;
    if (loc.lastaction > stored.lastaction || loc.sourceipaddress !== stored.sourceipaddress) {
      localities[index] = loc;
      didUpdate = true;
    }
  }
  return { state: { username: state.username, localities }, didUpdate };
}
