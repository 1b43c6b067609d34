import { z } from '@hono/zod-openapi';
import type { Project } from '../../services/projects.ts';
import { storedText, uuidParam } from '../shared.ts';

export const ProjectSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string(),
    version: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Project');

export const CreateProjectBody = z
  .strictObject({
    name: storedText(z.string().trim().min(1).max(200)),
    description: storedText(z.string().max(10_000)).optional(),
  })
  .openapi('CreateProject');

export const UpdateProjectBody = z
  .strictObject({
    name: storedText(z.string().trim().min(1).max(200)).optional(),
    description: storedText(z.string().max(10_000)).optional(),
  })
  .openapi('UpdateProject');

export const ProjectParams = z.object({ projectId: uuidParam('projectId') });

export const ProjectPageSchema = z
  .object({ items: z.array(ProjectSchema), nextCursor: z.string().nullable() })
  .openapi('ProjectPage');

export function projectBody(p: Project): z.infer<typeof ProjectSchema> {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    version: p.version,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
