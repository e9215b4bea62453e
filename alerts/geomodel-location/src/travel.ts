/**
 * Impossible travel between localities (MozDef's `alerts/geomodel/alert.py`).
 */
import { isoformat, pyFormat, pyStr, type JsonObject } from '@alertkit/core';
import { distance, type Locality } from './locality.js';

/** MozDef's air travel speed, in metres per second (1000 km/h). */
export const AIR_TRAVEL_SPEED_MPS = 277.778;

/** One side of a hop, as the alert carries it. */
export interface HopEnd {
  ip: string;
  city: string;
  country: string;
  latitude: number;
  longitude: number;
  /** When the user acted there, in epoch milliseconds. */
  observed: number;
}

/** A move from one locality to another that no plane could have made in the time between. */
export interface Hop {
  origin: HopEnd;
  destination: HopEnd;
}

/**
 * Whether a user could have travelled from `a` to `b` in the time between their actions: the
 * flight time at {@link AIR_TRAVEL_SPEED_MPS}, less the time to cross the smaller radius
 * (rounded up to whole seconds), is at most the seconds between them.
 */
export function travelPossible(a: Locality, b: Locality): boolean {
  const metres = 1000 * distance(a, b);
  const seconds = Math.abs(b.lastaction - a.lastaction) / 1000;
  const pad = Math.ceil((1000 * Math.min(a.radius, b.radius)) / AIR_TRAVEL_SPEED_MPS);
  return metres / AIR_TRAVEL_SPEED_MPS - pad <= seconds;
}

const end = (loc: Locality): HopEnd => ({
  ip: loc.sourceipaddress,
  city: loc.city,
  country: loc.country,
  latitude: loc.latitude,
  longitude: loc.longitude,
  observed: loc.lastaction,
});

/**
 * The impossible hops of a user (MozDef's `alert`): the most recent stored locality, then the
 * events' localities oldest first; every consecutive pair the user could not have travelled is
 * a hop. Fewer than two localities, or no impossible pair: no hops.
 */
export function impossibleHops(
  fromEvents: readonly Locality[],
  stored: readonly Locality[],
): Hop[] {
  const latestStored = [...stored].sort((x, y) => y.lastaction - x.lastaction).slice(0, 1);
  const sequence = [
    ...latestStored,
    ...[...fromEvents].sort((x, y) => x.lastaction - y.lastaction),
  ];
  const hops: Hop[] = [];
  for (let i = 0; i + 1 < sequence.length; i++) {
    const a = sequence[i] as Locality;
    const b = sequence[i + 1] as Locality;
    if (!travelPossible(a, b)) hops.push({ origin: end(a), destination: end(b) });
  }
  return hops;
}

/** A hop end as the alert document carries it (`observed` in isoformat, `geopoint` "lat,lon"). */
export function hopEndToJson(hopEnd: HopEnd): JsonObject {
  return {
    ip: hopEnd.ip,
    city: hopEnd.city,
    country: hopEnd.country,
    latitude: hopEnd.latitude,
    longitude: hopEnd.longitude,
    observed: isoformat(hopEnd.observed * 1000),
    geopoint: `${pyStr(hopEnd.latitude)},${pyStr(hopEnd.longitude)}`,
  };
}

/**
 * MozDef's summary: `tester1 seen in Toronto,CA then San Francisco,US (3645.78 KM in 5.00
 * minutes); ...`, one part per hop.
 */
export function travelSummary(username: string, hops: readonly Hop[]): string {
  const parts = hops.map(({ origin: o, destination: d }) =>
    pyFormat(
      '{},{} then {},{} ({:.2f} KM in {:.2f} minutes)',
      o.city,
      o.country,
      d.city,
      d.country,
      distance(o, d),
      Math.abs(o.observed - d.observed) / 1000 / 60,
    ),
  );
  return `${username} seen in ${parts.join('; ')}`;
}
