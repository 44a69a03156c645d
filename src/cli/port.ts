import net from 'node:net';
import { DEFAULT_PORT } from '../config.js';

/**
 * Fails with the clear line of `listenFailure` when the server could not listen on this
 * port. Called before the store is opened, so a busy port leaves no new database file or
 * tables behind. Another process may still take the port in the moment between this check
 * and the real listen; that listen then fails with the same line.
 */
export async function checkPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const probe = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen({ host, port, exclusive: true }, resolve);
    });
  } catch (error) {
    throw listenFailure(error, host, port);
  }
  await new Promise((resolve) => probe.close(resolve));
}

/** A listen error as one line that names the fix; errors it does not know are returned unchanged. */
export function listenFailure(error: unknown, host: string, port: number): Error {
  switch ((error as { code?: string }).code) {
    case 'EADDRINUSE':
      return new Error(
        port === DEFAULT_PORT
          ? `port ${port} on ${host} is already in use, probably by TikMatrix, whose own API listens on ${DEFAULT_PORT}: stop it, or choose another port with --port (e.g. --port ${DEFAULT_PORT + 1})`
          : `port ${port} on ${host} is already in use: choose another port with --port`,
      );
    case 'EACCES':
      return new Error(
        `not allowed to listen on port ${port}${port < 1024 ? ' (ports below 1024 need root)' : ''}: choose another port with --port`,
      );
    case 'EADDRNOTAVAIL':
      return new Error(`${host} is not an address of this machine: choose another with --host`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new Error(`cannot resolve the host name ${host}: choose another with --host`);
    default:
      return error as Error;
  }
}
