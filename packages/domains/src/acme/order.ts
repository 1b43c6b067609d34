import type * as acme from 'acme-client';
import type { Redis } from 'ioredis';
import type { AcmeSettings } from '../deps.ts';
import { publishHttp01Answer, withdrawHttp01Answer } from './http01-store.ts';

type Order = Awaited<ReturnType<acme.Client['createOrder']>>;
type Authorization = Awaited<ReturnType<acme.Client['getAuthorizations']>>[number];

/** Steps a caller may observe (metrics, logs; tests stop a worker at one). */
export type IssueStep = 'order-created' | 'order-resumed' | 'authorized' | 'finalized';

export interface OrderRun {
  client: acme.Client;
  settings: AcmeSettings;
  redis: Redis;
  keyPrefix: string;
  hostname: string;
  onStep?: (step: IssueStep) => Promise<void> | void;
}

/** An order this process or an earlier one created; null when it can no longer be used. */
export async function resumeOrder(client: acme.Client, url: string): Promise<Order | null> {
  try {
    const order = await client.getOrder({ url } as Order);
    return order.status === 'invalid' ? null : order;
  } catch {
    return null;
  }
}

/** Answers every pending authorization of the order with the configured challenge type. */
export async function authorize(run: OrderRun, order: Order): Promise<void> {
  const { client, settings } = run;
  const authorizations = await client.getAuthorizations(order);
  for (const authz of authorizations) {
    if (authz.status === 'valid') continue;
    if (authz.status !== 'pending') throw new Error(`authorization is ${authz.status}`);
    await answerChallenge(run, authz, settings.challenge);
  }
}

async function answerChallenge(
  run: OrderRun,
  authz: Authorization,
  type: AcmeSettings['challenge'],
): Promise<void> {
  const { client, redis, keyPrefix, settings } = run;
  const challenge = authz.challenges.find((c) => c.type === type);
  if (!challenge) throw new Error(`the CA offers no ${type} challenge`);
  const keyAuthorization = await client.getChallengeKeyAuthorization(challenge);
  const recordName = `_acme-challenge.${authz.identifier.value}`;
  if (type === 'http-01') {
    await publishHttp01Answer(redis, keyPrefix, challenge.token, keyAuthorization);
  } else {
    if (!settings.dnsProvider) throw new Error('dns-01 needs a DNS provider');
    await settings.dnsProvider.setRecords({
      name: recordName,
      type: 'TXT',
      values: [keyAuthorization],
      ttl: 60,
    });
  }
  try {
    await client.completeChallenge(challenge);
    await client.waitForValidStatus(authz);
  } finally {
    if (type === 'http-01') await withdrawHttp01Answer(redis, keyPrefix, challenge.token);
    else await settings.dnsProvider?.deleteRecords({ name: recordName, type: 'TXT' });
  }
}

/** Finalizes a ready order with `csr` (or picks up one already finalized) and downloads it. */
export async function finishOrder(run: OrderRun, order: Order, csr: Buffer): Promise<string> {
  const { client } = run;
  let current = await client.getOrder(order);
  if (current.status === 'pending') {
    await authorize(run, current);
    await run.onStep?.('authorized');
    current = { ...(await client.waitForValidStatus(current)), url: order.url };
  }
  if (current.status === 'ready') {
    current = await client.finalizeOrder(current, csr);
    await run.onStep?.('finalized');
  }
  // waitForValidStatus returns the bare resource, without the url acme-client needs later.
  if (current.status !== 'valid') {
    current = { ...(await client.waitForValidStatus(current)), url: order.url };
  }
  return client.getCertificate(current);
}
