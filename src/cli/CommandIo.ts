import type { Environment } from '../config/loadConfig';

/** What a command may touch of the outside world; tests pass their own. */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Environment;
  readonly cwd: string;
}
