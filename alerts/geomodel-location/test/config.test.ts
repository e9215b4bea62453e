/**
 * The config (MozDef's geomodel_location.json as zod): defaults, whitelists, clear errors.
 */
import { resolveAlertConfig } from '@alertkit/core';
import { negative, positive, runAlertCase } from '@alertkit/harness';
import { describe, expect, it } from 'vitest';
import { alert } from '../src/index.js';

const login = (ip: string, city: string, latitude: number, longitude: number, at: string) => ({
  _source: {
    tags: ['auth0'],
    utctimestamp: at,
    details: {
      username: 'tester1',
      sourceipaddress: ip,
      sourceipgeolocation: { city, country_code: 'XX', latitude, longitude },
    },
  },
});
const impossible = [
  login('1.2.3.4', 'Toronto', 43.6529, -79.3849, '2017-01-01T00:59:00+00:00'),
  login('10.1.2.3', 'San Francisco', 37.773972, -122.431297, '2017-01-01T01:00:00+00:00'),
];

describe('config', () => {
  it("has MozDef's defaults", () => {
    expect(resolveAlertConfig(alert, undefined)).toEqual({
      severity: 'INFO',
      asnMovementSeverity: 'DEBUG',
      localities: { validDurationDays: 1, radiusKilometres: 50 },
      events: { searchWindow: { minutes: 5 }, luceneQuery: 'tags:auth0' },
      whitelist: { users: [], cidrs: [] },
      factors: { asnMovement: null },
    });
  });

  it('leaves whitelisted users and source networks alone', async () => {
    await runAlertCase(alert, {}, positive('not whitelisted', impossible));
    await runAlertCase(
      alert,
      { config: { whitelist: { users: ['tester1'] } } },
      negative('whitelisted user', impossible),
    );
    // One event from the whitelisted network is left out: one locality, no hop.
    await runAlertCase(
      alert,
      { config: { whitelist: { cidrs: ['10.0.0.0/8'] } } },
      negative('whitelisted network', impossible),
    );
  });

  it('refuses a bad CIDR, an unknown severity and a MozDef snake_case key, naming them', () => {
    const problem = (config: unknown) => {
      try {
        resolveAlertConfig(alert, config);
        return 'accepted';
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(problem({ whitelist: { cidrs: ['10.0.0.0/33'] } })).toMatch(
      /whitelist\.cidrs\.0.*not a CIDR block \(e\.g\. 10\.0\.0\.0\/8\): "10\.0\.0\.0\/33"/,
    );
    expect(problem({ severity: 'LOUD' })).toMatch(/severity/);
    expect(problem({ asn_movement_severity: 'DEBUG' })).toMatch(/asn_movement_severity/);
  });
});
