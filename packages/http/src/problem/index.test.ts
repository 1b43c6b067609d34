import { describe, expect, it } from 'vitest';
import { isDomainErrorLike, type ProblemKind } from './domain.ts';
import { problemFromError } from './from-error.ts';
import { HttpProblem, problemType } from './index.ts';

describe('problemType', () => {
  it('builds stable tenantkit URIs', () => {
    expect(problemType('not-found')).toBe('https://tenantkit.dev/problems/not-found');
  });
});

describe('problemFromError', () => {
  it.each(
    Object.entries({
      invalid: 400,
      unauthorized: 401,
      forbidden: 403,
      not_found: 404,
      conflict: 409,
      gone: 410,
      precondition_failed: 412,
      unprocessable: 422,
      precondition_required: 428,
      rate_limited: 429,
      unavailable: 503,
    }),
  )('maps problemKind %s to %i', (kind, status) => {
    const err = { problemKind: kind as ProblemKind, problemSlug: 'x', message: 'm' };
    const { problem, unexpected } = problemFromError(err);
    expect(problem).toMatchObject({ status, detail: 'm', type: problemType('x') });
    expect(unexpected).toBe(false);
  });

  it('does not let extensions override the standard members', () => {
    const { problem } = problemFromError({
      problemKind: 'gone',
      problemSlug: 'tenant-deleted',
      message: 'Deleted.',
      problemExtensions: { status: 200, deletedAt: '2025-01-01' },
    });
    expect(problem).toMatchObject({ status: 410, deletedAt: '2025-01-01' });
  });

  it('treats anything unrecognised as an opaque 500', () => {
    const { problem, unexpected } = problemFromError(new TypeError('x is undefined'));
    expect(problem).toMatchObject({ status: 500, type: problemType('internal') });
    expect(JSON.stringify(problem)).not.toContain('x is undefined');
    expect(unexpected).toBe(true);
  });

  it('keeps HttpProblem title defaults per status', () => {
    const { problem } = problemFromError(new HttpProblem({ status: 415, slug: 'unsupported' }));
    expect(problem).toEqual({
      type: problemType('unsupported'),
      title: 'Unsupported Media Type',
      status: 415,
    });
  });
});

describe('isDomainErrorLike', () => {
  it('accepts the duck type and rejects near misses', () => {
    const ok = { problemKind: 'forbidden', problemSlug: 'no-access', message: 'No.' };
    expect(isDomainErrorLike(ok)).toBe(true);
    expect(isDomainErrorLike({ ...ok, problemKind: 'teapot' })).toBe(false);
    expect(isDomainErrorLike({ ...ok, problemKind: 'toString' })).toBe(false);
    expect(isDomainErrorLike({ ...ok, problemSlug: '' })).toBe(false);
    expect(isDomainErrorLike({ problemKind: 'forbidden', problemSlug: 'x' })).toBe(false);
    expect(isDomainErrorLike(null)).toBe(false);
  });
});
