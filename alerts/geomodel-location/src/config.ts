import { SEVERITIES, z } from '@alertkit/core';
import ipaddr from 'ipaddr.js';

const duration = z
  .object({
    days: z.number().nonnegative().optional(),
    hours: z.number().nonnegative().optional(),
    minutes: z.number().nonnegative().optional(),
    seconds: z.number().nonnegative().optional(),
  })
  .strict()
  .refine((d) => Object.values(d).some((v) => v !== undefined && v > 0), {
    message: 'must be longer than zero, e.g. { minutes: 5 }',
  });

const cidr = z.string().refine((value) => ipaddr.isValidCIDR(value), {
  error: (issue) => `not a CIDR block (e.g. 10.0.0.0/8): ${JSON.stringify(issue.input)}`,
});

/**
 * MozDef's `geomodel_location.json` as a zod schema, with MozDef's defaults (keys in camelCase).
 * `localities.es_index` has no counterpart: the state lives in the alert's own state
 * (`context.state`), which the store keeps.
 */
export const configSchema = z
  .object({
    severity: z.enum(SEVERITIES).default('INFO').describe('Severity of the alerts'),
    asnMovementSeverity: z
      .enum(SEVERITIES)
      .default('DEBUG')
      .describe("MozDef's `asn_movement_severity`: the severity when the hops change ASN"),
    localities: z
      .object({
        validDurationDays: z
          .number()
          .positive()
          .default(1)
          .describe('Days a locality is remembered after the last action there'),
        radiusKilometres: z
          .number()
          .positive()
          .default(50)
          .describe(
            "Kept for MozDef's config; MozDef ignores it (every locality has a 50 km radius), so does this alert",
          ),
      })
      .prefault({}),
    events: z
      .object({
        searchWindow: duration
          .default({ minutes: 5 })
          .describe('What the first run searches (later runs start where the previous ended)'),
        luceneQuery: z
          .string()
          .min(1)
          .default('tags:auth0')
          .describe('The authentication events to follow (Lucene query_string)'),
      })
      .prefault({}),
    whitelist: z
      .object({
        users: z.array(z.string()).default([]).describe('Usernames never followed'),
        cidrs: z.array(cidr).default([]).describe('Source networks never followed'),
      })
      .prefault({}),
    factors: z
      .object({
        asnMovement: z
          .object({
            maxmindDbPath: z
              .string()
              .min(1)
              .describe('A MaxMind ASN database (GeoLite2-ASN.mmdb or compatible)'),
          })
          .nullable()
          .default(null)
          .describe('Escalate to asnMovementSeverity when the hops change ASN; null = off'),
      })
      .prefault({}),
    searchFrom: z.iso
      .datetime({ offset: true })
      .optional()
      .describe(
        'Set by the alert itself from its execution record (where the previous run ended); not for installations',
      ),
  })
  .strict();

/** The alert's config: the output of {@link configSchema}. */
export type GeomodelConfig = z.output<typeof configSchema>;
