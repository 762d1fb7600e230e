/**
 * The entry point of a shipping transport's delivery worker thread (see
 * transports/shipping/README.md): it builds the sink from the recipe in
 * workerData and delivers from the spool until told to close.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createDeliveryKit } from './deliveryKits';
import { DeliveryService } from './shipping/DeliveryService';
import { SharedSpoolState } from './shipping/SharedSpoolState';
import type { FromDelivery, ToDelivery, DeliveryPort } from './shipping/deliveryProtocol';
import type { DeliveryWorkerData } from './shipping/WorkerDelivery';

if (!parentPort) throw new Error('prodlog: deliveryWorker.js runs as a worker thread of a shipping transport, not on its own');
const port = parentPort as unknown as DeliveryPort<FromDelivery, ToDelivery>;
const data = workerData as DeliveryWorkerData;
const kit = createDeliveryKit(data.recipe, (text) => port.postMessage({ type: 'notice', text }));
new DeliveryService(port, data.settings, data.start, kit, new SharedSpoolState(data.shared));
