/**
 * MozDef's tests/alerts/geomodel/test_locality.py (update, expiry, from_event), plus reading
 * stored state back.
 */
import type { StoredEvent } from '@alertkit/core';
import { describe, expect, it } from 'vitest';
import {
  localityFromEvent,
  removeOutdated,
  stateFromJson,
  stateToJson,
  updateState,
  type Locality,
} from '../src/index.js';

const NOW = new Date('2017-01-01T01:00:00Z');
const ago = (ms: number) => NOW.getTime() - ms;
const MINUTE = 60_000;
const DAY = 86_400_000;

const toronto = (lastaction: number, ip = '1.2.3.4'): Locality => ({
  sourceipaddress: ip,
  city: 'Toronto',
  country: 'CA',
  lastaction,
  latitude: 43.6529,
  longitude: -79.3849,
  radius: 50,
});
const berlin = (lastaction: number): Locality => ({
  sourceipaddress: '32.64.128.255',
  city: 'Berlin',
  country: 'DE',
  lastaction,
  latitude: 52.520008,
  longitude: 13.404954,
  radius: 50,
});

const event = (source: StoredEvent['_source']): StoredEvent => ({
  _index: 'events',
  _id: 'e',
  _source: source,
});

describe('updateState (MozDef test_locality.py)', () => {
  it('updates a locality with a more recent action', () => {
    const update = updateState({ username: 'user1', localities: [toronto(ago(3 * DAY))] }, [
      toronto(ago(30 * MINUTE)),
    ]);
    expect(update.didUpdate).toBe(true);
    expect(update.state.username).toBe('user1');
    expect(update.state.localities).toEqual([toronto(ago(30 * MINUTE))]);
  });

  it('records new localities', () => {
    const update = updateState({ username: 'user1', localities: [toronto(ago(3 * DAY))] }, [
      berlin(ago(30 * MINUTE)),
    ]);
    expect(update.didUpdate).toBe(true);
    expect(update.state.localities.map((l) => l.city).sort()).toEqual(['Berlin', 'Toronto']);
  });

  it('changes nothing for an older action from the same IP, but replaces on a new IP', () => {
    const stored = { username: 'user1', localities: [toronto(ago(MINUTE))] };
    expect(updateState(stored, [toronto(ago(5 * MINUTE))]).didUpdate).toBe(false);
    const moved = updateState(stored, [toronto(ago(5 * MINUTE), '9.9.9.9')]);
    expect(moved.didUpdate).toBe(true);
    expect(moved.state.localities).toEqual([toronto(ago(5 * MINUTE), '9.9.9.9')]);
    // The stored state is not modified.
    expect(stored.localities).toEqual([toronto(ago(MINUTE))]);
  });
});

describe('removeOutdated (MozDef test_locality.py)', () => {
  it('removes localities last acted from too long ago', () => {
    const state = {
      username: 'tester1',
      localities: [berlin(ago(10 * DAY)), toronto(ago(3 * DAY))],
    };
    const update = removeOutdated(state, 5, NOW);
    expect(update.didUpdate).toBe(true);
    expect(state.localities).toHaveLength(2);
    expect(update.state.localities.map((l) => l.city)).toEqual(['Toronto']);
    // Exactly `days` old is still valid (MozDef keeps lastaction >= now - days).
    expect(
      removeOutdated({ username: 'x', localities: [toronto(ago(DAY))] }, 1, NOW).didUpdate,
    ).toBe(false);
  });
});

describe('localityFromEvent (MozDef test_locality.py)', () => {
  it('skips events with missing data', () => {
    const bad = [
      event({ nottheipaddress: 'somethingelse' }),
      event({ details: { sourceipaddress: '1.2.3.4', notthegeolocation: 'uhoh' } }),
      event({
        details: {
          sourceipaddress: '1.2.3.4',
          sourceipgeolocation: { city: 'Toronto', country_code: 'CA', latitude: 43.6529 },
        },
      }),
    ];
    expect(bad.map((e) => localityFromEvent(e, NOW))).toEqual([undefined, undefined, undefined]);
  });

  const geo = { city: 'Toronto', country_code: 'CA', latitude: 43.6529, longitude: -79.3849 };

  it('uses now for an event without utctimestamp', () => {
    const loc = localityFromEvent(
      event({ details: { sourceipaddress: '1.2.3.4', sourceipgeolocation: geo } }),
      NOW,
    );
    expect(loc?.lastaction).toBe(NOW.getTime());
  });

  it('parses a valid timestamp (a zone-less one as UTC)', () => {
    const loc = localityFromEvent(
      event({
        utctimestamp: '2019-07-31T17:56:38.908000+00:00',
        details: { sourceipaddress: '1.2.3.4', sourceipgeolocation: geo },
      }),
      NOW,
    );
    expect(loc).toEqual({
      sourceipaddress: '1.2.3.4',
      city: 'Toronto',
      country: 'CA',
      lastaction: Date.parse('2019-07-31T17:56:38.908Z'),
      latitude: 43.6529,
      longitude: -79.3849,
      radius: 50,
    });
    const naive = localityFromEvent(
      event({
        utctimestamp: '2019-07-31T17:56:38',
        details: { sourceipaddress: '1.2.3.4', sourceipgeolocation: geo },
      }),
      NOW,
    );
    expect(naive?.lastaction).toBe(Date.parse('2019-07-31T17:56:38Z'));
  });
});

describe('stored state', () => {
  it("round-trips in MozDef's document shape", () => {
    const state = { username: 'tester1', localities: [toronto(ago(5 * MINUTE))] };
    const json = stateToJson(state);
    expect(json).toEqual({
      type_: 'locality',
      username: 'tester1',
      localities: [
        {
          sourceipaddress: '1.2.3.4',
          city: 'Toronto',
          country: 'CA',
          lastaction: '2017-01-01T00:55:00+00:00',
          latitude: 43.6529,
          longitude: -79.3849,
          radius: 50,
        },
      ],
    });
    expect(stateFromJson(json)).toEqual(state);
  });

  it('treats a malformed document as no state, as MozDef does', () => {
    expect(stateFromJson(undefined)).toBeUndefined();
    expect(stateFromJson({ username: 'x' })).toBeUndefined();
    expect(stateFromJson({ username: 'x', localities: [{ city: 'Toronto' }] })).toBeUndefined();
    expect(
      stateFromJson({
        username: 'x',
        localities: [
          {
            ...stateToJson({ username: 'x', localities: [toronto(NOW.getTime())] }),
            lastaction: 'not a date',
          },
        ],
      }),
    ).toBeUndefined();
  });
});
