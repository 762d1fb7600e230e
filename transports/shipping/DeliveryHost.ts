import type { FromDelivery, ToDelivery } from './deliveryProtocol';

/** How the service's side of a shipping transport reaches its delivery, wherever that runs. */
export interface DeliveryHost {
  /** Starts delivery; messages from it go to the listener given at construction. */
  start(): void;
  post(message: ToDelivery): void;
  /** Whether delivery has work in hand that must keep the process alive. */
  setBusy(busy: boolean): void;
  /**
   * FATAL: blocks this thread until delivery has settled every record up to
   * `seq`, or until `deadline` (ms since the epoch). Returns whether it did.
   */
  drainSync(seq: number, deadline: number): boolean;
  /**
   * Asks delivery to deliver for up to `timeoutMs` and then stop; resolves
   * once it has saved its position and stopped, or `graceMs` after the
   * timeout, when it is stopped regardless.
   */
  close(timeoutMs: number, graceMs: number): Promise<void>;
  /** Restarts of a failed delivery so far. */
  readonly restarts: number;
}

export type DeliveryListener = (message: FromDelivery) => void;
