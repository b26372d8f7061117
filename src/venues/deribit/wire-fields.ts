/** Deribit's field readers: the shared wire readers with Deribit's parse error and habits (numbers as JSON numbers; an empty string is not "unset"). */
import { createWireReader } from '../shared/parse-helpers.js';
import { DERIBIT_VENUE_ID, DeribitParseError } from './errors.js';

export const deribitWire = createWireReader({
  venue: DERIBIT_VENUE_ID,
  fail: (field, detail) => new DeribitParseError(field, detail),
  emptyStringIsAbsent: false,
});
