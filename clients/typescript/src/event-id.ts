import { v7 as uuidv7 } from 'uuid';
import type { RecordInput } from './types.js';

/** Gives a record an event_id (UUIDv7: unique, time-ordered) unless it has one. */
export const withEventId = <T extends RecordInput>(record: T): T =>
  record.event_id ? record : { ...record, event_id: uuidv7() };
