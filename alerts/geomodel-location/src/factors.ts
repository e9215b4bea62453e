/**
 * Factors: what may change a GeoModel alert's severity and add to its `factors` (MozDef's
 * `alerts/geomodel/factors.py`). Only `asn_movement` exists.
 */
import type { JsonObject, JsonValue, Severity } from '@alertkit/core';
import maxmind, { type Reader, type Response } from 'maxmind';
import type { Hop } from './travel.js';

/** What a factor gives back: extras appended to the alert's `factors`, and its severity. */
export interface Enhancement {
  extras: JsonObject;
  severity: Severity;
}

/** The part of an alert the factors see and change. */
export interface FactoredAlert {
  hops: readonly Hop[];
  severity: Severity;
  factors: JsonObject[];
}

/** A factor (MozDef's `FactorInterface`). */
export type Factor = (alert: FactoredAlert) => Enhancement;

/** Runs the alert through the factors in order, each seeing the previous one's result (MozDef's `pipe`). */
export function pipeFactors(alert: FactoredAlert, factors: readonly Factor[]): FactoredAlert {
  return factors.reduce<FactoredAlert>((current, factor) => {
    const enhancement = factor(current);
    return {
      hops: current.hops,
      severity: enhancement.severity,
      factors: [...current.factors, enhancement.extras],
    };
  }, alert);
}

/** Anything that looks an IP up in an ASN database (a `maxmind` reader is one). */
export interface AsnLookup {
  get(ip: string): unknown;
}

const ORGANIZATION = 'autonomous_system_organization';

/**
 * MozDef's `asn_movement`: looks up each distinct IP of the hops (origins, then the last
 * destination) in an ASN database; when two consecutive IPs both found belong to different
 * organisations, the severity becomes `escalate`. Extras: `{asn_hops: [[asn1, asn2], ...]}`.
 */
export function asnMovement(db: AsnLookup, escalate: Severity): Factor {
  return (alert) => {
    const ips = alert.hops.map((hop) => hop.origin.ip);
    const last = alert.hops.at(-1);
    if (last) ips.push(last.destination.ip);
    const info = [...new Set(ips)].map((ip) => (db.get(ip) ?? null) as JsonObject | null);
    const asnHops: JsonValue[] = [];
    for (let i = 0; i + 1 < info.length; i++) {
      const a = info[i];
      const b = info[i + 1];
      if (a && b && a[ORGANIZATION] !== b[ORGANIZATION]) asnHops.push([a, b]);
    }
    return {
      extras: { asn_hops: asnHops },
      severity: asnHops.length > 0 ? escalate : alert.severity,
    };
  };
}

const readers = new Map<string, Promise<Reader<Response>>>();

/**
 * The MaxMind database at `path`, opened once per process (the `maxmind` reader keeps it in
 * memory). A file that cannot be opened or is not a MaxMind database rejects with its path.
 */
export function openAsnDatabase(path: string): Promise<Reader<Response>> {
  let reader = readers.get(path);
  if (!reader) {
    reader = maxmind.open<Response>(path).catch((error: unknown) => {
      readers.delete(path);
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`cannot open the MaxMind ASN database ${path}: ${reason}`, { cause: error });
    });
    readers.set(path, reader);
  }
  return reader;
}
