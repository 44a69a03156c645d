import net from 'node:net';

/**
 * A server that speaks just enough of PostgreSQL's wire protocol to refuse every login,
 * as a real server with password authentication does: to its first message it answers
 * one ErrorResponse with the given SQLSTATE, then closes. (The test server trusts every
 * login, so a wrong password cannot be tried on it.)
 */
export async function refusingPostgres(sqlstate: string, message: string): Promise<{ port: number; close(): void }> {
  const field = (type: string, value: string) => Buffer.from(`${type}${value}\0`);
  const fields = Buffer.concat([
    field('S', 'FATAL'),
    field('V', 'FATAL'),
    field('C', sqlstate),
    field('M', message),
    Buffer.from([0]),
  ]);
  const header = Buffer.alloc(5);
  header.write('E', 0);
  header.writeInt32BE(fields.length + 4, 1);
  const answer = Buffer.concat([header, fields]);
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', () => socket.end(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, close: () => server.close() };
}
