// What both stores do alike with trips (a stop condition stopping a policy version): the value stored, and
// reading it back. One trip per policy; it stops only the version it names, so a later write of the policy
// (new content, new version) is not stopped by it.
import { COMPONENT_SCHEMAS, compileChecker, type StoredTrip, StoredTrip as StoredTripSchema } from '@hfi/api';
import type { TripRequest } from './types.js';

const tripChecker = compileChecker(StoredTripSchema, [...COMPONENT_SCHEMAS]);

/** The trip a stored value holds (its version is the key's revision); throws saying why when it is not one. */
export function decodeTrip(text: string, name: string, version: string): StoredTrip {
  const trip = { ...(JSON.parse(text) as TripRequest), version };
  if (!tripChecker.check(trip)) throw new Error(tripChecker.errors(trip)[0]?.message ?? 'not a trip');
  if (trip.policy !== name) throw new Error(`policy "${trip.policy}" does not match the key`);
  return trip;
}

/** The stored value: every field but the version (the key's revision). */
export function encodeTrip(trip: TripRequest): string {
  const { policy, policyVersion, reason } = trip;
  return JSON.stringify({ policy, policyVersion, reason });
}
