/**
 * Domain errors carry no HTTP details, only a kind and a stable slug; each transport maps
 * them (packages/http turns `problemKind` into a status and `problemSlug` into a problem type).
 */
export type ProblemKind =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'gone'
  | 'precondition_failed'
  | 'unprocessable'
  | 'precondition_required'
  | 'rate_limited'
  | 'unavailable';

export class DomainError extends Error {
  constructor(
    readonly problemKind: ProblemKind,
    readonly problemSlug: string,
    message: string,
    readonly problemExtensions?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string) {
    super('not_found', 'not-found', `${what} not found`);
  }
}

export class VersionConflictError extends DomainError {
  constructor(what: string, currentVersion: number) {
    super('precondition_failed', 'version-mismatch', `${what} was changed by someone else`, {
      currentVersion,
    });
  }
}

export class ConflictError extends DomainError {
  constructor(slug: string, message: string) {
    super('conflict', slug, message);
  }
}

export class InvalidInputError extends DomainError {
  constructor(slug: string, message: string) {
    super('invalid', slug, message);
  }
}
