/**
 * The relay did not take the message (unreachable, refused, timed out) or no relay is set.
 * Shaped like the other domain errors (`problemKind` + `problemSlug`), so packages/http maps
 * it to a 503 problem without this package depending on either. The message never carries
 * the relay's answer, which may name hosts or accounts.
 */
export class MailUnavailableError extends Error {
  readonly problemKind = 'unavailable' as const;
  readonly problemSlug = 'mail-unavailable';

  constructor(options?: { cause?: unknown }) {
    super('Email could not be sent right now; try again later.', options);
    this.name = 'MailUnavailableError';
  }
}
