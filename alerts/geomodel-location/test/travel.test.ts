/**
 * MozDef's tests/alerts/geomodel/test_alert.py (impossible hops), plus the distance, the
 * travel-time rule at its edge and the summary's Python formatting.
 */
import { describe, expect, it } from 'vitest';
import {
  distance,
  impossibleHops,
  travelPossible,
  travelSummary,
  type Locality,
} from '../src/index.js';

const NOW = Date.parse('2017-01-01T01:00:00Z');
const minutes = (n: number) => NOW - n * 60_000;

const toronto = (lastaction: number, ip = '1.2.3.123'): Locality => ({
  sourceipaddress: ip,
  city: 'Toronto',
  country: 'CA',
  lastaction,
  latitude: 43.6529,
  longitude: -79.3849,
  radius: 50,
});
const sanFrancisco = (lastaction: number, ip = '123.3.2.1'): Locality => ({
  sourceipaddress: ip,
  city: 'San Francisco',
  country: 'US',
  lastaction,
  latitude: 37.773972,
  longitude: -122.431297,
  radius: 50,
});
const saintPetersburg = (lastaction: number): Locality => ({
  sourceipaddress: '52.32.127.3',
  city: 'Saint Petersburg',
  country: 'RU',
  lastaction,
  latitude: 59.9343,
  longitude: 30.3351,
  radius: 50,
});

describe('impossible hops (MozDef test_alert.py)', () => {
  it('do not alert when travel is possible', () => {
    expect(impossibleHops([toronto(minutes(5)), sanFrancisco(minutes(600))], [])).toEqual([]);
  });

  it('alert when travel is impossible, oldest locality first', () => {
    const hops = impossibleHops([toronto(minutes(5)), sanFrancisco(minutes(60))], []);
    expect(hops.map((h) => [h.origin.city, h.destination.city])).toEqual([
      ['San Francisco', 'Toronto'],
    ]);
  });

  it('include all impossible hops', () => {
    const hops = impossibleHops(
      [toronto(minutes(5)), saintPetersburg(minutes(15)), sanFrancisco(minutes(60))],
      [],
    );
    expect(hops.map((h) => [h.origin.city, h.destination.city])).toEqual([
      ['San Francisco', 'Saint Petersburg'],
      ['Saint Petersburg', 'Toronto'],
    ]);
  });

  it('start from the most recent stored locality only', () => {
    const stored = [sanFrancisco(minutes(200)), toronto(minutes(10), '9.8.7.6')];
    // Toronto (stored, the newest) then San Francisco now: impossible in 10 minutes.
    const hops = impossibleHops([sanFrancisco(NOW)], stored);
    expect(hops.map((h) => [h.origin.ip, h.destination.ip])).toEqual([['9.8.7.6', '123.3.2.1']]);
    // One locality alone is never a hop.
    expect(impossibleHops([sanFrancisco(NOW)], [])).toEqual([]);
  });
});

describe('distance and travel time', () => {
  it("is haversine with MozDef's Earth radius of 6373.0 km", () => {
    expect(distance(toronto(NOW), sanFrancisco(NOW)).toFixed(2)).toBe('3645.78');
    expect(distance(toronto(NOW), toronto(NOW))).toBe(0);
    // A quarter of a meridian: pi/2 * 6373.
    expect(distance({ latitude: 0, longitude: 0 }, { latitude: 90, longitude: 0 })).toBeCloseTo(
      (Math.PI / 2) * 6373,
      9,
    );
  });

  it('allows the flight time at 277.778 m/s less the time to cross the smaller radius', () => {
    const a = toronto(NOW);
    const km = distance(toronto(NOW), sanFrancisco(NOW));
    const pad = Math.ceil(50_000 / 277.778); // 180 s
    const needed = (km * 1000) / 277.778 - pad;
    expect(travelPossible(a, sanFrancisco(NOW + Math.ceil(needed) * 1000))).toBe(true);
    expect(travelPossible(a, sanFrancisco(NOW + Math.floor(needed) * 1000))).toBe(false);
    // Order does not matter: the time between is absolute.
    expect(travelPossible(sanFrancisco(NOW + Math.ceil(needed) * 1000), a)).toBe(true);
  });
});

describe('summary', () => {
  // The distances as Python computes them with MozDef's locality.distance: 8870.04, 6855.56.
  it("formats each hop with Python's {:.2f} and joins them with '; '", () => {
    const hops = impossibleHops(
      [toronto(minutes(5)), saintPetersburg(minutes(15)), sanFrancisco(minutes(60))],
      [],
    );
    expect(travelSummary('tester', hops)).toBe(
      'tester seen in San Francisco,US then Saint Petersburg,RU (8870.04 KM in 45.00 minutes); ' +
        'Saint Petersburg,RU then Toronto,CA (6855.56 KM in 10.00 minutes)',
    );
  });
});
