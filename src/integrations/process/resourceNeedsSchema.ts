import { z } from 'zod';
import { strictOptions } from '../../core/config/schemaHelpers';
import { sizeSetting } from '../../core/config/sizeSetting';

const diskNeedSchema = strictOptions({ path: z.string().min(1), min: sizeSetting });

/** What requireResources() accepts; built when it is first called (requireResources.ts), so importing prodlog does not load zod. */
export const needsSchema = strictOptions({
  /** Memory the process can use: the container's limit, else the machine's memory. */
  memory: sizeSetting.optional(),
  /** Free space on the file system of `path`; one folder or several. */
  diskFree: z.union([diskNeedSchema, z.array(diskNeedSchema)]).optional(),
  /** CPUs the process may run on (os.availableParallelism()). */
  cpus: z.int().min(1).optional(),
});

export type ResourceNeeds = z.input<typeof needsSchema>;
export type ParsedResourceNeeds = z.output<typeof needsSchema>;
