import { readFileSync } from 'node:fs';
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';

export interface TlsSettings {
  /** PEM text of the CA certificates to trust instead of Node's bundled ones. */
  readonly ca?: string | undefined;
  /** Path to a PEM file of CA certificates; read once, at startup. */
  readonly caFile?: string | undefined;
  /** Client certificate and key (PEM text), for receivers that require one (RELP over TLS). */
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
  /** Verify the receiver's certificate and name. True unless set to false on purpose. */
  readonly rejectUnauthorized?: boolean | undefined;
}

export interface Endpoint {
  readonly host: string;
  readonly port: number;
  /** TLS when set, plain TCP otherwise: never one after failing the other. */
  readonly tls?: TlsSettings;
  readonly connectTimeoutMs: number;
}

/**
 * Connects and resolves once the connection can carry data: TCP connected,
 * or the TLS handshake done and the receiver's certificate verified (by
 * default; a failed verification rejects with Node's code, e.g.
 * DEPTH_ZERO_SELF_SIGNED_CERT, and nothing is sent).
 */
export function openSocket(endpoint: Endpoint): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = endpoint.tls
      ? tlsConnect({ host: endpoint.host, port: endpoint.port, ...tlsOptions(endpoint.host, endpoint.tls) })
      : netConnect({ host: endpoint.host, port: endpoint.port });
    const fail = (err: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    const timer = setTimeout(() => fail(Object.assign(new Error(`connect to ${endpoint.host}:${endpoint.port} timed out`), { code: 'ETIMEDOUT' })), endpoint.connectTimeoutMs);
    timer.unref(); // a connection attempt alone must not keep the process alive
    socket.once('error', fail);
    socket.once(endpoint.tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.off('error', fail);
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 30_000);
      resolve(socket);
    });
  });
}

/** TLS options with PEM files read now, so a missing file fails at startup and not on the first send. */
export function resolveTls(tls: TlsSettings): TlsSettings {
  if (tls.caFile === undefined) return tls;
  const { caFile, ...rest } = tls;
  return { ...rest, ca: `${tls.ca ?? ''}\n${readFileSync(caFile, 'utf8')}` };
}

function tlsOptions(host: string, tls: TlsSettings): ConnectionOptions {
  return {
    ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
    ...(tls.cert !== undefined ? { cert: tls.cert } : {}),
    ...(tls.key !== undefined ? { key: tls.key } : {}),
    rejectUnauthorized: tls.rejectUnauthorized ?? true,
    // SNI only takes names; an IP address is checked against the certificate's IP SANs.
    ...(isIP(host) === 0 ? { servername: host } : {}),
  };
}
