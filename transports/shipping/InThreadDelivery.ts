import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { settleWithin } from '../shared/settleWithin';
import type { DeliveryHost, DeliveryListener } from './DeliveryHost';
import { DeliveryService, type DeliveryKit, type DeliverySettings, type DeliveryStartState } from './DeliveryService';
import type { FromDelivery, ToDelivery } from './deliveryProtocol';
import type { SharedSpoolState } from './SharedSpoolState';

/**
 * Delivery on the service's own thread, through the same messages and
 * shared memory as a worker: for a sink object that cannot be rebuilt in a
 * worker (tests that script a receiver's answers). It cannot deliver during
 * a FATAL, when this thread is blocked: the spool keeps the records for the
 * next start.
 */
export class InThreadDelivery implements DeliveryHost {
  readonly restarts = 0;
  private readonly here: MessagePort;
  private readonly there: MessagePort;
  private service: DeliveryService | undefined;
  private closed: (() => void) | undefined;

  constructor(
    private readonly settings: DeliverySettings,
    private readonly kit: DeliveryKit,
    private readonly shared: SharedSpoolState,
    private readonly startState: () => DeliveryStartState,
    private readonly listener: DeliveryListener,
  ) {
    const { port1, port2 } = new MessageChannel();
    this.here = port1;
    this.there = port2;
  }

  start(): void {
    if (this.service) return;
    this.here.on('message', (message: FromDelivery) => {
      if (message.type === 'closed') this.closed?.();
      this.listener(message);
    });
    this.service = new DeliveryService(this.there, this.settings, this.startState(), this.kit, this.shared);
    // The sink's own sockets and timers keep the process alive while it works, as on any thread.
    this.here.unref();
    this.there.unref();
  }

  post(message: ToDelivery): void {
    this.here.postMessage(message);
  }

  setBusy(): void {}

  drainSync(): boolean {
    return false;
  }

  async close(timeoutMs: number, graceMs: number): Promise<void> {
    const closed = new Promise<void>((resolve) => (this.closed = resolve));
    this.post({ type: 'close', timeoutMs });
    await settleWithin(closed, timeoutMs + graceMs);
    this.here.close();
  }
}
