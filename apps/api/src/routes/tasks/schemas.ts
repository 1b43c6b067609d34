import { z } from '@hono/zod-openapi';
import type { Task } from '../../services/tasks.ts';
import { storedText, uuidParam } from '../shared.ts';

export const TaskSchema = z
  .object({
    id: z.uuid(),
    projectId: z.uuid(),
    title: z.string(),
    done: z.boolean(),
    version: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Task');

export const CreateTaskBody = z
  .strictObject({
    title: storedText(z.string().trim().min(1).max(500)),
    done: z.boolean().optional(),
  })
  .openapi('CreateTask');

export const UpdateTaskBody = z
  .strictObject({
    title: storedText(z.string().trim().min(1).max(500)).optional(),
    done: z.boolean().optional(),
  })
  .openapi('UpdateTask');

export const ProjectTasksParams = z.object({ projectId: uuidParam('projectId') });
export const TaskParams = z.object({
  projectId: uuidParam('projectId'),
  taskId: uuidParam('taskId'),
});

export const TaskPageSchema = z
  .object({ items: z.array(TaskSchema), nextCursor: z.string().nullable() })
  .openapi('TaskPage');

export function taskBody(t: Task): z.infer<typeof TaskSchema> {
  return {
    id: t.id,
    projectId: t.projectId,
    title: t.title,
    done: t.done,
    version: t.version,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}
