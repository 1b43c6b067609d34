import { ProcessorRegistry } from './jobs.ts';
import { registerDomains } from './processors/domains.ts';
import { registerMaintenance } from './processors/maintenance.ts';
import { registerProvisioning } from './processors/provisioning.ts';

/**
 * The platform's processors. The custom-domain ones (packages/domains) only with
 * `domains: true`, i.e. when the process has built its domains deps (`WorkerDeps.domains`).
 */
export function defaultRegistry({
  domains = false,
  log = () => {},
}: {
  domains?: boolean;
  log?: (line: string) => void;
} = {}): ProcessorRegistry {
  const registry = new ProcessorRegistry();
  registerProvisioning(registry);
  registerMaintenance(registry);
  if (domains) registerDomains(registry);
  else log('custom-domain processors not registered: this process has no domains deps');
  return registry;
}
