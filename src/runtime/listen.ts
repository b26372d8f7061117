/** A promise around `server.listen`, for the health and webhook servers. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Starts `server` listening; resolves with the bound address, rejects with the listen error (EADDRINUSE, ...). */
export function listen(server: Server, port: number, host: string): Promise<{ host: string; port: number }> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address() as AddressInfo;
      resolve({ host: addr.address, port: addr.port });
    });
  });
}
