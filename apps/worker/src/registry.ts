import { ProcessorRegistry } from './jobs.ts';
import { registerMaintenance } from './processors/maintenance.ts';
import { registerProvisioning } from './processors/provisioning.ts';

/**
 * The platform's own processors. Domain processors (packages/domains) are added by the lead
 * after merging, in one place: `defaultRegistry().tenant('domains', '<job>', handler)`.
 */
export function defaultRegistry(): ProcessorRegistry {
  const registry = new ProcessorRegistry();
  registerProvisioning(registry);
  registerMaintenance(registry);
  return registry;
}
