/** The shared error-class → outcome mapping, with a toy venue code table. */
import { describe, expect, it } from 'vitest';

import { DaemonError, TransportError, VenueRejectedError } from '../../../src/domain/errors.js';
import {
  cancelOutcomeOf,
  commandOutcomeOf,
  invalidRequestOutcome,
  type VenueErrorFacts,
} from '../../../src/venues/shared/command-outcome.js';

const facts: VenueErrorFacts = {
  classify: (e) =>
    e instanceof VenueRejectedError
      ? e.venueCode === '429'
        ? 'retryable'
        : 'rejected'
      : e instanceof TransportError && e.code === 'NOT_CONNECTED'
        ? 'retryable'
        : 'unknown',
  isOrderNotFound: (e) => e instanceof VenueRejectedError && e.venueCode === '404',
  wouldTriggerImmediately: (e) => e instanceof VenueRejectedError && e.venueCode === '777',
};
const refused = (code: string): VenueRejectedError => new VenueRejectedError('toy', code, 'no', 'order');

describe('commandOutcomeOf', () => {
  it('unknown when the venue may have acted', () => {
    expect(commandOutcomeOf(new TransportError('TIMEOUT', 'late'), facts)).toEqual({ status: 'unknown', reason: 'late' });
  });
  it('rejected with the venue code, retryable by class, trigger flag only when set', () => {
    expect(commandOutcomeOf(refused('429'), facts)).toMatchObject({ status: 'rejected', code: '429', retryable: true });
    expect(commandOutcomeOf(refused('500'), facts)).not.toHaveProperty('wouldTriggerImmediately');
    expect(commandOutcomeOf(refused('777'), facts)).toMatchObject({ code: '777', retryable: false, wouldTriggerImmediately: true });
  });
  it('our own error code when the venue never saw the request', () => {
    expect(commandOutcomeOf(new TransportError('NOT_CONNECTED', 'down'), facts)).toMatchObject({
      status: 'rejected',
      code: 'NOT_CONNECTED',
      retryable: true,
    });
  });
  it('invalid requests are rejected, not retryable', () => {
    expect(invalidRequestOutcome(new DaemonError('X', 'size too small'))).toEqual({
      status: 'rejected',
      code: 'INVALID_REQUEST',
      reason: 'size too small',
      retryable: false,
    });
  });
});

describe('cancelOutcomeOf', () => {
  it('not found, unknown, rejected', () => {
    expect(cancelOutcomeOf(refused('404'), facts)).toMatchObject({ status: 'rejected', code: '404', notFound: true });
    expect(cancelOutcomeOf(new TransportError('DISCONNECTED', 'gone'), facts)).toEqual({ status: 'unknown', reason: 'gone' });
    expect(cancelOutcomeOf(refused('500'), facts)).toMatchObject({ status: 'rejected', code: '500', notFound: false });
    expect(cancelOutcomeOf(new TransportError('NOT_CONNECTED', 'x'), facts)).toMatchObject({
      status: 'rejected',
      code: 'ERROR',
      notFound: false,
    });
  });
});
