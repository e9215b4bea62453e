import { describe, expect, it } from 'vitest';
import { every, minutesAgo, now } from './clock.js';
import {
  buildCaseEvents,
  deepMerge,
  event,
  events,
  hashSeed,
  mozdefDefaultEvent,
  nested,
  resolveTimes,
  seededRandom,
  sourceOf,
  withRequiredFields,
  type EventInput,
} from './events.js';

const NOW = new Date('2017-01-01T01:00:00Z');

describe('deepMerge (MozDef dict_merge)', () => {
  it('merges objects recursively, replaces lists and scalars, lets null overwrite, and copies', () => {
    const target = { a: { b: 1, c: [1, 2] }, d: 'x', e: { f: 1 } };
    const merged = deepMerge(target, { a: { c: [3], g: true }, d: null, e: 'flat', h: { i: 1 } });
    expect(merged).toEqual({ a: { b: 1, c: [3], g: true }, d: null, e: 'flat', h: { i: 1 } });
    expect(target).toEqual({ a: { b: 1, c: [1, 2] }, d: 'x', e: { f: 1 } });
    // A dict replacing a non-dict replaces it.
    expect(deepMerge({ a: 'x' }, { a: { b: 1 } })).toEqual({ a: { b: 1 } });
  });
});

describe('event factories', () => {
  it('keeps a __proto__ key of an override as a field, as the store keeps it', () => {
    const merged = event(
      { _source: { summary: 'x' } },
      JSON.parse('{"__proto__": {"polluted": true}}') as EventInput,
    );
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.keys(merged)).toContain('__proto__');
    expect(JSON.stringify(merged)).toBe('{"summary":"x","__proto__":{"polluted":true}}');
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it("accept MozDef's {_source} shape or a bare source", () => {
    expect(sourceOf({ _source: { category: 'x' }, _index: 'events' })).toEqual({ category: 'x' });
    expect(sourceOf({ category: 'x' })).toEqual({ category: 'x' });
    expect(event({ _source: { details: { a: 1, b: 2 } } }, { details: { b: 3 } })).toEqual({
      details: { a: 1, b: 3 },
    });
  });

  it('make independent copies, or one event per timestamp', () => {
    const list = events({ details: { n: 1 } }, 3);
    expect(list).toHaveLength(3);
    (list[0]?.details as { n: number }).n = 2;
    expect(list[1]).toEqual({ details: { n: 1 } });
    const timed = events({ category: 'x' }, [minutesAgo(1), minutesAgo(2)]);
    expect(
      timed.map((e) =>
        [e.utctimestamp, e.receivedtimestamp].map((t) => (t as { label: string }).label),
      ),
    ).toEqual([
      ['minutesAgo(1)', 'minutesAgo(1)'],
      ['minutesAgo(2)', 'minutesAgo(2)'],
    ]);
    expect(() => events({}, -1)).toThrow('count must be a whole number');
  });
});

describe('nested', () => {
  it('builds an object from a dotted path', () => {
    expect(nested('details.username', 'bob')).toEqual({ details: { username: 'bob' } });
    expect(nested('x', 1)).toEqual({ x: 1 });
    expect(() => nested('a..b', 1)).toThrow('not a dotted field path');
  });
});

describe('building the stored events of a case', () => {
  it('merges generic default, suite default and case event, resolves times, fills required fields', () => {
    const [stored] = buildCaseEvents(
      [{ _source: { details: { username: 'bob' }, utctimestamp: minutesAgo(3) } }],
      {
        defaultEvent: {
          _source: { category: 'authentication', details: { sourceipaddress: '1.2.3.4' } },
        },
        now: NOW,
        seed: 1,
      },
    );
    expect(stored?._index).toBe('events');
    expect(stored?._id).toBe('event-1');
    expect(stored?._source).toMatchObject({
      category: 'authentication',
      utctimestamp: '2017-01-01T00:57:00+00:00',
      receivedtimestamp: '2017-01-01T01:00:00+00:00',
      mozdefhostname: 'mozdefhost',
      hostname: 'exhostname',
      severity: 'NOTICE',
      source: 'exsource',
      summary: 'Example summary',
      tags: ['tag1', 'tag2'],
      details: { sourceipaddress: '1.2.3.4', hostname: 'exhostname', username: 'bob' },
      // Required-field defaults of semantics §3.8 on stored events.
      timestamp: '2017-01-01T01:00:00+00:00',
      type: 'event',
      processid: 'UNKNOWN',
      processname: 'UNKNOWN',
      mozdef: { plugins: [] },
    });
  });

  it('gives the generic default event a random but reproducible source IP', () => {
    const ip = (seed: number) => mozdefDefaultEvent(seededRandom(seed)).details;
    expect(ip(hashSeed('a'))).toEqual(ip(hashSeed('a')));
    expect(ip(hashSeed('a'))).not.toEqual(ip(hashSeed('b')));
    for (let seed = 0; seed < 50; seed++) {
      const octets = String((ip(seed) as { sourceipaddress: string }).sourceipaddress)
        .split('.')
        .map(Number);
      expect(octets.every((o) => o >= 1 && o <= 255)).toBe(true);
    }
  });

  it('builds what the composition of deepMerge, resolveTimes and withRequiredFields builds, keys in order', () => {
    const reference = (
      inputs: EventInput[],
      defaultEvent: EventInput | undefined,
      seed: number,
    ) => {
      const random = seededRandom(seed);
      const suiteDefault = defaultEvent ? sourceOf(defaultEvent) : {};
      return inputs.map((input) =>
        withRequiredFields(
          resolveTimes(
            deepMerge(deepMerge(mozdefDefaultEvent(random), suiteDefault), sourceOf(input)),
            NOW,
          ) as Parameters<typeof withRequiredFields>[0],
          NOW,
        ),
      );
    };
    const defaultEvent: EventInput = {
      _source: {
        category: 'authentication',
        tags: ['a'],
        details: { sourceipaddress: '1.2.3.4', nested: { deep: now(), list: [1, { x: now() }] } },
        receivedtimestamp: minutesAgo(1),
      },
    };
    const inputs: EventInput[] = [
      {},
      { _source: { details: { username: 'bob' }, utctimestamp: minutesAgo(3) } },
      // An object over a scalar, a scalar over an object, null, a list over an object.
      { summary: { text: 'x' }, details: 'flat', hostname: null, tags: { not: 'a list' } },
      { details: { nested: { deep: 'plain', extra: [minutesAgo(2), [now()]] } }, mozdef: {} },
      // A __proto__ field anywhere stays a field.
      JSON.parse(
        '{"__proto__": {"polluted": true}, "details": {"__proto__": {"x": 1}}}',
      ) as EventInput,
      ...events({ category: 'timed' }, every('10s', 3)),
      { type: 'custom', timestamp: minutesAgo(5), processid: 7 },
    ];
    for (const [seed, suite] of [
      [1, defaultEvent],
      [2, undefined],
    ] as const) {
      const built = buildCaseEvents(inputs, {
        now: NOW,
        seed,
        ...(suite ? { defaultEvent: suite } : {}),
      });
      const want = reference(inputs, suite, seed);
      expect(built.map((e) => e._source)).toEqual(want);
      // toEqual ignores key order and own __proto__ keys; the JSON text does not.
      expect(built.map((e) => JSON.stringify(e._source))).toEqual(
        want.map((w) => JSON.stringify(w)),
      );
      for (const e of built) expect(Object.getPrototypeOf(e._source)).toBe(Object.prototype);
    }
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    // Events never share objects, with each other or with the inputs.
    const [a, b] = buildCaseEvents([{}, {}], { now: NOW, seed: 3, defaultEvent });
    expect(a?._source.details).not.toBe(b?._source.details);
    expect(a?._source.tags).not.toBe(b?._source.tags);
    expect(a?._source.mozdef).not.toBe(b?._source.mozdef);
  });

  it('fills only missing top-level keys', () => {
    expect(withRequiredFields({ summary: 's', mozdef: {} }, NOW)).toMatchObject({
      summary: 's',
      mozdef: {},
      category: 'UNKNOWN',
    });
  });
});
