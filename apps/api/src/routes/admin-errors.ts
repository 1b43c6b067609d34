import { commonErrors, ProblemSchema } from './shared.ts';

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

/** The refusals of admin writes (members, invitations, roles, bindings). */
export const adminErrors = {
  ...commonErrors,
  403: problem(
    'Missing permission, granting a permission the caller does not hold, acting on an owner as a non-owner, or editing a built-in role',
  ),
  409: problem('Conflicts with current state: last owner, role in use, already exists'),
};

export const invitationErrors = {
  ...adminErrors,
  503: problem('The invitation email could not be sent; nothing was left pending'),
};
