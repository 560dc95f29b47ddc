import { DomainError } from '../../shared/envelope';

/** A request the privacy services refuse because a value is wrong, with what and where in the message. */
export class PrivacyInputError extends DomainError {
  override readonly code = 'INVALID_INPUT' as const;
  constructor(message: string) {
    super('INVALID_INPUT', message);
    this.name = 'PrivacyInputError';
  }
}

/** The subject of a request does not exist in the mirror. */
export class PrivacyNotFoundError extends DomainError {
  override readonly code = 'NOT_FOUND' as const;
  constructor(message: string) {
    super('NOT_FOUND', message);
    this.name = 'PrivacyNotFoundError';
  }
}
