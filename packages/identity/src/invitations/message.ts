import type { MailMessage } from '@tenantkit/mail';

/**
 * The invitation mail: plain text first (every client shows it), with the workspace name and
 * the link. The link is the only secret in it; the inviter is named by email so the recipient
 * can judge whether to trust it.
 */
export function invitationMessage(input: {
  to: string;
  workspace: string;
  inviterEmail: string | null;
  acceptUrl: string;
  expiresAt: Date;
}): MailMessage {
  const by = input.inviterEmail ? ` by ${input.inviterEmail}` : '';
  return {
    to: input.to,
    subject: `You are invited to ${input.workspace}`,
    text: [
      `You have been invited${by} to join ${input.workspace}.`,
      '',
      'Accept the invitation and choose your password here:',
      input.acceptUrl,
      '',
      `The link works once and expires on ${input.expiresAt.toUTCString()}.`,
      'If you did not expect this invitation, ignore this email.',
    ].join('\n'),
  };
}
