import { DomainError } from '../../shared/envelope';

/** Bad input to a moderation service: says which field and why (becomes INVALID_INPUT). */
export function invalidInput(field: string, message: string): DomainError {
  return new DomainError('INVALID_INPUT', `${field}: ${message}`, { issues: [{ path: field, message }] });
}

export function notFound(what: string): DomainError {
  return new DomainError('NOT_FOUND', `${what} does not exist`);
}

export function forbidden(message: string, details?: Record<string, unknown>): DomainError {
  return new DomainError('FORBIDDEN', message, details);
}

export function conflict(message: string, details?: Record<string, unknown>): DomainError {
  return new DomainError('CONFLICT', message, details);
}
