/**
 * MozDef's geomodel_location cases (tests/alerts/test_geomodel_location.py, all 15): the 5
 * replayable ones and the 10 that pre-load locality states and the execution record into
 * MozDef's `localities` index, which here are the alert's starting state (`{ state }`).
 * Ported from ../shared/mozdef-cases/geomodel_location.json.
 */
import { describeAlert, negative, positive } from '@alertkit/harness';
import type { JsonObject } from '@alertkit/core';
import { alert } from '../src/index.js';

/** One auth0 login of MozDef's cases (their generic default event supplies the rest). */
function login(
  details: JsonObject,
  times: { utctimestamp?: string; receivedtimestamp?: string } = {},
) {
  return { _source: { tags: ['auth0'], ...times, details } };
}

/** Toronto, then San Francisco a minute later: impossible travel for tester1. */
const impossible = [
  login(
    {
      sourceipaddress: '1.2.3.4',
      sourceipgeolocation: {
        city: 'Toronto',
        country_code: 'CA',
        latitude: 43.6529,
        longitude: -79.3849,
      },
      username: 'tester1',
    },
    { utctimestamp: '2017-01-01T00:59:00+00:00' },
  ),
  login({
    sourceipaddress: '4.3.2.1',
    sourceipgeolocation: {
      city: 'San Francisco',
      country_code: 'US',
      latitude: 37.773972,
      longitude: -122.431297,
    },
    username: 'tester1',
  }),
] as const;

describeAlert(alert, {
  now: '2017-01-01T01:00:00+00:00',
  defaultAlert: {
    category: 'geomodel',
    severity: 'INFO',
    tags: ['geomodel'],
    channel: null,
    notify_mozdefbot: false,
    classname: 'AlertGeoModel',
  },
  cases: [
    positive(
      'Alert fires with events sorted into the correct order (TestEventOrdering)',
      [
        login(
          {
            sourceipaddress: '4.3.2.1',
            sourceipgeolocation: {
              city: 'San Francisco',
              country_code: 'US',
              latitude: 37.773972,
              longitude: -122.431297,
            },
            username: 'tester1',
          },
          { utctimestamp: '2017-01-01T01:01:00+00:00' },
        ),
        login({
          sourceipaddress: '1.2.3.4',
          sourceipgeolocation: {
            city: 'Toronto',
            country_code: 'CA',
            latitude: 43.6529,
            longitude: -79.3849,
          },
          username: 'tester1',
        }),
      ],
      {
        summary: 'tester1 seen in Toronto,CA then San Francisco,US (3645.78 KM in 1.00 minutes)',
        details: {
          username: 'tester1',
          sourceipaddress: '4.3.2.1',
          sourceipv4address: '4.3.2.1',
          hops: [
            {
              origin: {
                ip: '1.2.3.4',
                city: 'Toronto',
                country: 'CA',
                latitude: 43.6529,
                longitude: -79.3849,
                observed: '2017-01-01T01:00:00+00:00',
                geopoint: '43.6529,-79.3849',
              },
              destination: {
                ip: '4.3.2.1',
                city: 'San Francisco',
                country: 'US',
                latitude: 37.773972,
                longitude: -122.431297,
                observed: '2017-01-01T01:01:00+00:00',
                geopoint: '37.773972,-122.431297',
              },
            },
          ],
          factors: [],
        },
      },
    ),
    negative('Does not fire within the same actual city (TestSameCitiesOutsideRange)', [
      login({
        sourceipaddress: '1.2.3.4',
        sourceipgeolocation: {
          city: 'Sherbrooke',
          country_code: 'CA',
          latitude: 45.3397,
          longitude: -72.013,
        },
        username: 'tester1',
      }),
      login({
        sourceipaddress: '5.6.7.8',
        sourceipgeolocation: {
          city: 'Sherbrooke',
          country_code: 'CA',
          latitude: 45.3879,
          longitude: -71.8988,
        },
        username: 'tester1',
      }),
    ]),
    positive(
      'Does fire when search window contains 2 events with different locations (TestMultipleEventsInWindow)',
      [
        login(
          {
            sourceipaddress: '5.6.7.8',
            username: 'tester1',
            sourceipgeolocation: {
              city: 'Toronto',
              country_code: 'CA',
              latitude: 43.6529,
              longitude: -79.3849,
            },
          },
          {
            utctimestamp: '2017-01-01T00:56:00+00:00',
            receivedtimestamp: '2017-01-01T00:56:00+00:00',
          },
        ),
        login(
          {
            sourceipaddress: '1.2.3.4',
            username: 'tester1',
            sourceipgeolocation: {
              city: 'San Francisco',
              country_code: 'US',
              latitude: 37.773972,
              longitude: -122.431297,
            },
          },
          {
            utctimestamp: '2017-01-01T00:59:00+00:00',
            receivedtimestamp: '2017-01-01T00:59:00+00:00',
          },
        ),
      ],
      {
        summary: 'tester1 seen in Toronto,CA then San Francisco,US (3645.78 KM in 3.00 minutes)',
        details: {
          username: 'tester1',
          sourceipaddress: '1.2.3.4',
          sourceipv4address: '1.2.3.4',
          hops: [
            {
              origin: {
                ip: '5.6.7.8',
                city: 'Toronto',
                country: 'CA',
                latitude: 43.6529,
                longitude: -79.3849,
                observed: '2017-01-01T00:56:00+00:00',
                geopoint: '43.6529,-79.3849',
              },
              destination: {
                ip: '1.2.3.4',
                city: 'San Francisco',
                country: 'US',
                latitude: 37.773972,
                longitude: -122.431297,
                observed: '2017-01-01T00:59:00+00:00',
                geopoint: '37.773972,-122.431297',
              },
            },
          ],
          factors: [],
        },
      },
    ),
    positive(
      'Does fire if events from same cities but not geographic location (TestSameCitiesFarAway)',
      [
        login(
          {
            sourceipaddress: '5.6.7.8',
            username: 'tester1',
            sourceipgeolocation: {
              city: 'Portland',
              country_code: 'US',
              latitude: 43.6614,
              longitude: -70.2553,
            },
          },
          {
            utctimestamp: '2017-01-01T00:57:00+00:00',
            receivedtimestamp: '2017-01-01T00:57:00+00:00',
          },
        ),
        login({
          sourceipaddress: '1.2.3.4',
          username: 'tester1',
          sourceipgeolocation: {
            city: 'Portland',
            country_code: 'US',
            latitude: 45.5234,
            longitude: -122.6762,
          },
        }),
      ],
      {
        summary: 'tester1 seen in Portland,US then Portland,US (4082.65 KM in 3.00 minutes)',
        details: {
          username: 'tester1',
          sourceipaddress: '1.2.3.4',
          sourceipv4address: '1.2.3.4',
          hops: [
            {
              origin: {
                ip: '5.6.7.8',
                city: 'Portland',
                country: 'US',
                latitude: 43.6614,
                longitude: -70.2553,
                observed: '2017-01-01T00:57:00+00:00',
                geopoint: '43.6614,-70.2553',
              },
              destination: {
                ip: '1.2.3.4',
                city: 'Portland',
                country: 'US',
                latitude: 45.5234,
                longitude: -122.6762,
                observed: '2017-01-01T01:00:00+00:00',
                geopoint: '45.5234,-122.6762',
              },
            },
          ],
          factors: [],
        },
      },
    ),
    positive(
      'Alert fires with two hops for three different cities (TestMultipleImpossibleJourneys)',
      [
        login(
          {
            sourceipaddress: '1.2.3.4',
            username: 'tester1',
            sourceipgeolocation: {
              city: 'Portland',
              country_code: 'US',
              latitude: 45.5234,
              longitude: -122.6762,
            },
          },
          {
            utctimestamp: '2017-01-01T00:55:00+00:00',
            receivedtimestamp: '2017-01-01T00:55:00+00:00',
          },
        ),
        login(
          {
            sourceipaddress: '5.4.3.2',
            username: 'tester1',
            sourceipgeolocation: {
              city: 'Toronto',
              country_code: 'CA',
              latitude: 43.6529,
              longitude: -79.3843,
            },
          },
          {
            utctimestamp: '2017-01-01T00:58:00+00:00',
            receivedtimestamp: '2017-01-01T00:58:00+00:00',
          },
        ),
        login({
          sourceipaddress: '12.34.45.56',
          username: 'tester1',
          sourceipgeolocation: {
            city: 'Saint Petersburg',
            country_code: 'RU',
            latitude: 59.9343,
            longitude: 30.3351,
          },
        }),
      ],
      {
        summary:
          'tester1 seen in Portland,US then Toronto,CA (3393.90 KM in 3.00 minutes); Toronto,CA then Saint Petersburg,RU (6855.53 KM in 2.00 minutes)',
        details: {
          username: 'tester1',
          sourceipaddress: '12.34.45.56',
          sourceipv4address: '12.34.45.56',
          hops: [
            {
              origin: {
                ip: '1.2.3.4',
                city: 'Portland',
                country: 'US',
                latitude: 45.5234,
                longitude: -122.6762,
                observed: '2017-01-01T00:55:00+00:00',
                geopoint: '45.5234,-122.6762',
              },
              destination: {
                ip: '5.4.3.2',
                city: 'Toronto',
                country: 'CA',
                latitude: 43.6529,
                longitude: -79.3843,
                observed: '2017-01-01T00:58:00+00:00',
                geopoint: '43.6529,-79.3843',
              },
            },
            {
              origin: {
                ip: '5.4.3.2',
                city: 'Toronto',
                country: 'CA',
                latitude: 43.6529,
                longitude: -79.3843,
                observed: '2017-01-01T00:58:00+00:00',
                geopoint: '43.6529,-79.3843',
              },
              destination: {
                ip: '12.34.45.56',
                city: 'Saint Petersburg',
                country: 'RU',
                latitude: 59.9343,
                longitude: 30.3351,
                observed: '2017-01-01T01:00:00+00:00',
                geopoint: '59.9343,30.3351',
              },
            },
          ],
          factors: [],
        },
      },
    ),
    positive(
      'Alert fires when impossible travel between two localities detected (TestAlertGeoModel)',
      [
        login({
          sourceipaddress: '1.2.3.4',
          sourceipgeolocation: {
            city: 'Toronto',
            country_code: 'CA',
            latitude: 43.6529,
            longitude: -79.3849,
          },
          username: 'tester1',
        }),
      ],
      {
        summary: 'tester1 seen in San Francisco,US then Toronto,CA (3645.78 KM in 16.00 minutes)',
        details: {
          username: 'tester1',
          sourceipaddress: '1.2.3.4',
          sourceipv4address: '1.2.3.4',
          hops: [
            {
              origin: {
                ip: '4.3.2.1',
                city: 'San Francisco',
                country: 'US',
                latitude: 37.773972,
                longitude: -122.431297,
                observed: '2017-01-01T00:44:00+00:00',
                geopoint: '37.773972,-122.431297',
              },
              destination: {
                ip: '1.2.3.4',
                city: 'Toronto',
                country: 'CA',
                latitude: 43.6529,
                longitude: -79.3849,
                observed: '2017-01-01T01:00:00+00:00',
                geopoint: '43.6529,-79.3849',
              },
            },
          ],
          factors: [],
        },
      },
      {
        state: {
          'locality:tester1': {
            type_: 'locality',
            username: 'tester1',
            localities: [
              {
                sourceipaddress: '4.3.2.1',
                city: 'San Francisco',
                country: 'US',
                lastaction: '2017-01-01T00:44:00+00:00',
                latitude: 37.773972,
                longitude: -122.431297,
                radius: 50,
              },
            ],
          },
          'locality:tester2': {
            type_: 'locality',
            username: 'tester2',
            localities: [
              {
                sourceipaddress: '2.4.8.16',
                city: 'Toronto',
                country: 'CA',
                lastaction: '2016-12-29T23:00:00+00:00',
                latitude: 43.6529,
                longitude: -79.3849,
                radius: 50,
              },
            ],
          },
        },
      },
    ),
    negative(
      'Alert does not fire if locality did not change (TestAlertGeoModel)',
      [
        login({
          sourceipaddress: '4.3.2.1',
          sourceipgeolocation: {
            city: 'Toronto',
            country_code: 'CA',
            latitude: 43.6529,
            longitude: -79.3849,
          },
          username: 'tester2',
        }),
      ],
      {
        state: {
          'locality:tester1': {
            type_: 'locality',
            username: 'tester1',
            localities: [
              {
                sourceipaddress: '4.3.2.1',
                city: 'San Francisco',
                country: 'US',
                lastaction: '2017-01-01T00:44:00+00:00',
                latitude: 37.773972,
                longitude: -122.431297,
                radius: 50,
              },
            ],
          },
          'locality:tester2': {
            type_: 'locality',
            username: 'tester2',
            localities: [
              {
                sourceipaddress: '2.4.8.16',
                city: 'Toronto',
                country: 'CA',
                lastaction: '2016-12-29T23:00:00+00:00',
                latitude: 43.6529,
                longitude: -79.3849,
                radius: 50,
              },
            ],
          },
        },
      },
    ),
    negative(
      'Alert should not fire if new city is most recent (TestUpdateOrdering)',
      [
        login({
          sourceipaddress: '1.2.3.4',
          username: 'tester1',
          sourceipgeolocation: {
            city: 'San Francisco',
            country_code: 'US',
            latitude: 37.773972,
            longitude: -122.431297,
          },
        }),
      ],
      {
        state: {
          'locality:tester1': {
            type_: 'locality',
            username: 'tester1',
            localities: [
              {
                sourceipaddress: '1.2.3.4',
                city: 'San Francisco',
                country: 'US',
                lastaction: '2017-01-01T00:57:00+00:00',
                latitude: 37.773972,
                longitude: -122.431297,
                radius: 50,
              },
              {
                sourceipaddress: '9.8.7.6',
                city: 'Toronto',
                country: 'CA',
                lastaction: '2017-01-01T00:55:00+00:00',
                latitude: 43.6529,
                longitude: -79.3849,
                radius: 50,
              },
            ],
          },
        },
      },
    ),
    positive(
      'Alert fires with one previous locality state (TestOnePreviousLocality)',
      [
        login({
          sourceipaddress: '1.2.3.4',
          username: 'tester1',
          sourceipgeolocation: {
            city: 'San Francisco',
            country_code: 'US',
            latitude: 37.773972,
            longitude: -122.431297,
          },
        }),
      ],
      {
        summary: 'tester1 seen in Toronto,CA then San Francisco,US (3645.78 KM in 5.00 minutes)',
        details: {
          username: 'tester1',
          sourceipaddress: '1.2.3.4',
          sourceipv4address: '1.2.3.4',
          hops: [
            {
              origin: {
                ip: '9.8.7.6',
                city: 'Toronto',
                country: 'CA',
                latitude: 43.6529,
                longitude: -79.3849,
                observed: '2017-01-01T00:55:00+00:00',
                geopoint: '43.6529,-79.3849',
              },
              destination: {
                ip: '1.2.3.4',
                city: 'San Francisco',
                country: 'US',
                latitude: 37.773972,
                longitude: -122.431297,
                observed: '2017-01-01T01:00:00+00:00',
                geopoint: '37.773972,-122.431297',
              },
            },
          ],
          factors: [],
        },
      },
      {
        state: {
          'locality:tester1': {
            type_: 'locality',
            username: 'tester1',
            localities: [
              {
                sourceipaddress: '9.8.7.6',
                city: 'Toronto',
                country: 'CA',
                lastaction: '2017-01-01T00:55:00+00:00',
                latitude: 43.6529,
                longitude: -79.3849,
                radius: 50,
              },
            ],
          },
        },
      },
    ),
    positive(
      'Alert fires when flipping between original and new locality (TestInitialLocalityPositiveAlert)',
      [
        login({
          sourceipaddress: '5.6.7.8',
          username: 'tester1',
          sourceipgeolocation: {
            city: 'Toronto',
            country_code: 'CA',
            latitude: 43.6529,
            longitude: -79.3849,
          },
        }),
      ],
      {
        summary: 'tester1 seen in San Francisco,US then Toronto,CA (3645.78 KM in 3.00 minutes)',
        details: {
          username: 'tester1',
          sourceipaddress: '5.6.7.8',
          sourceipv4address: '5.6.7.8',
          hops: [
            {
              origin: {
                ip: '1.2.3.4',
                city: 'San Francisco',
                country: 'US',
                latitude: 37.773972,
                longitude: -122.431297,
                observed: '2017-01-01T00:57:00+00:00',
                geopoint: '37.773972,-122.431297',
              },
              destination: {
                ip: '5.6.7.8',
                city: 'Toronto',
                country: 'CA',
                latitude: 43.6529,
                longitude: -79.3849,
                observed: '2017-01-01T01:00:00+00:00',
                geopoint: '43.6529,-79.3849',
              },
            },
          ],
          factors: [],
        },
      },
      {
        state: {
          'locality:tester1': {
            type_: 'locality',
            username: 'tester1',
            localities: [
              {
                sourceipaddress: '1.2.3.4',
                city: 'San Francisco',
                country: 'US',
                lastaction: '2017-01-01T00:57:00+00:00',
                latitude: 37.773972,
                longitude: -122.431297,
                radius: 50,
              },
              {
                sourceipaddress: '9.8.7.6',
                city: 'Toronto',
                country: 'CA',
                lastaction: '2017-01-01T00:55:00+00:00',
                latitude: 43.6529,
                longitude: -79.3849,
                radius: 50,
              },
            ],
          },
        },
      },
    ),
    negative(
      'Does not fire if state is expired (TestExpiredState)',
      [
        login({
          sourceipaddress: '5.6.7.8',
          username: 'tester1',
          sourceipgeolocation: {
            city: 'Toronto',
            country_code: 'CA',
            latitude: 43.6529,
            longitude: -79.3849,
          },
        }),
      ],
      {
        state: {
          'locality:tester1': {
            type_: 'locality',
            username: 'tester1',
            localities: [
              {
                sourceipaddress: '1.2.3.4',
                city: 'San Francisco',
                country: 'US',
                lastaction: '2016-12-30T01:00:00+00:00',
                latitude: 37.773972,
                longitude: -122.431297,
                radius: 50,
              },
            ],
          },
        },
      },
    ),
    negative(
      'Should not fire for event & state in the same location (TestDifferentIPsSameLocation)',
      [
        login({
          sourceipaddress: '1.2.3.4',
          username: 'tester1',
          sourceipgeolocation: {
            city: 'Portland',
            country_code: 'US',
            latitude: 45.5234,
            longitude: -122.6762,
          },
        }),
      ],
      {
        state: {
          'locality:tester1': {
            type_: 'locality',
            username: 'tester1',
            localities: [
              {
                sourceipaddress: '53.12.88.76',
                city: 'Portland',
                country: 'US',
                lastaction: '2017-01-01T00:58:00+00:00',
                latitude: 45.5234,
                longitude: -122.6762,
                radius: 50,
              },
              {
                sourceipaddress: '1.2.3.4',
                city: 'Portland',
                country: 'US',
                lastaction: '2017-01-01T00:57:00+00:00',
                latitude: 45.5234,
                longitude: -122.6762,
                radius: 50,
              },
            ],
          },
        },
      },
    ),
    negative(
      'Should not fire for events in the same location (TestDifferentIPsSameLocation)',
      [
        login({
          sourceipaddress: '1.2.3.4',
          username: 'tester1',
          sourceipgeolocation: {
            city: 'Portland',
            country_code: 'US',
            latitude: 45.5234,
            longitude: -122.6762,
          },
        }),
        login({
          sourceipaddress: '53.12.88.76',
          username: 'tester1',
          sourceipgeolocation: {
            city: 'Portland',
            country_code: 'US',
            latitude: 45.5234,
            longitude: -122.6762,
          },
        }),
      ],
      {
        state: {
          'locality:tester1': {
            type_: 'locality',
            username: 'tester1',
            localities: [
              {
                sourceipaddress: '53.12.88.76',
                city: 'Portland',
                country: 'US',
                lastaction: '2017-01-01T00:58:00+00:00',
                latitude: 45.5234,
                longitude: -122.6762,
                radius: 50,
              },
              {
                sourceipaddress: '1.2.3.4',
                city: 'Portland',
                country: 'US',
                lastaction: '2017-01-01T00:57:00+00:00',
                latitude: 45.5234,
                longitude: -122.6762,
                radius: 50,
              },
            ],
          },
        },
      },
    ),
    negative(
      'Should not fire if encounters older events than state file (TestAlreadyProcessedEvents)',
      [
        login(
          {
            sourceipaddress: '1.2.3.4',
            username: 'tester1',
            sourceipgeolocation: {
              city: 'Portland',
              country_code: 'US',
              latitude: 45.5234,
              longitude: -122.6762,
            },
          },
          { utctimestamp: '2017-01-01T00:56:00+00:00' },
        ),
      ],
      {
        state: {
          'locality:tester1': {
            type_: 'locality',
            username: 'tester1',
            localities: [
              {
                sourceipaddress: '1.2.3.4',
                city: 'Portland',
                country: 'US',
                lastaction: '2017-01-01T01:00:00+00:00',
                latitude: 45.5234,
                longitude: -122.6762,
                radius: 50,
              },
            ],
          },
        },
      },
    ),
    negative(
      'Does not fire if one event is outside of dynamic search window (TestSearchWindowDynamic)',
      [
        login(
          {
            sourceipaddress: '5.6.7.8',
            username: 'tester1',
            sourceipgeolocation: {
              city: 'Toronto',
              country_code: 'CA',
              latitude: 43.6529,
              longitude: -79.3849,
            },
          },
          {
            utctimestamp: '2017-01-01T00:56:00+00:00',
            receivedtimestamp: '2017-01-01T00:56:00+00:00',
          },
        ),
        login({
          sourceipaddress: '1.2.3.4',
          username: 'tester1',
          sourceipgeolocation: {
            city: 'San Francisco',
            country_code: 'US',
            latitude: 37.773972,
            longitude: -122.431297,
          },
        }),
      ],
      {
        state: {
          execution_state: {
            type_: 'execution_state',
            execution_time: '2017-01-01T00:58:00+00:00',
          },
        },
      },
    ),
    // alertkit's own cases, for what MozDef's do not pin down.
    negative('Does not follow events outside the Lucene query (no auth0 tag)', [
      { _source: { ...impossible[0]._source, tags: ['okta'] } },
      { _source: { ...impossible[1]._source, tags: ['okta'] } },
    ]),
    negative('Does not follow an empty username', [
      {
        _source: {
          ...impossible[0]._source,
          details: { ...impossible[0]._source.details, username: '' },
        },
      },
      {
        _source: {
          ...impossible[1]._source,
          details: { ...impossible[1]._source.details, username: '' },
        },
      },
    ]),
  ],
});
