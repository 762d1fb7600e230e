export { MemoryTransport, type LoggedRecord } from './MemoryTransport';
