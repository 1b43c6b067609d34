import dns2 from 'dns2';

const { Packet } = dns2;

export interface TestDnsServer {
  /** `127.0.0.1:<port>`, for `createDnsResolver([server])` and any DNS client. */
  server: string;
  /** Replaces the TXT records at `name` (each value one record; empty removes them). */
  setTxt(name: string, values: string[]): void;
  /** Replaces the A records at `name`. */
  setA(name: string, addresses: string[]): void;
  close(): Promise<void>;
}

/**
 * A real DNS server over UDP on loopback, answering from records the test sets. Names it does
 * not know answer NXDOMAIN, and known names without the asked type answer NOERROR with no
 * records (NODATA), as an authoritative server would, so resolvers see the real error codes.
 */
export async function startTestDnsServer(): Promise<TestDnsServer> {
  const txt = new Map<string, string[]>();
  const a = new Map<string, string[]>();
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      response.header.aa = 1;
      for (const question of request.questions) {
        const name = question.name.toLowerCase().replace(/\.$/, '');
        if (!txt.has(name) && !a.has(name)) {
          response.header.rcode = Packet.RCODE.NXDOMAIN;
          continue;
        }
        if (question.type === Packet.TYPE.TXT) {
          for (const data of txt.get(name) ?? []) {
            response.answers.push(Packet.createResourceFromQuestion(question, { ttl: 1, data }));
          }
        } else if (question.type === Packet.TYPE.A) {
          for (const address of a.get(name) ?? []) {
            response.answers.push(Packet.createResourceFromQuestion(question, { ttl: 1, address }));
          }
        }
      }
      send(response);
    },
  });
  const addresses = await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  const port = addresses.udp?.port;
  if (!port) throw new Error('test DNS server did not report its port');
  const set = (map: Map<string, string[]>, name: string, values: string[]) => {
    const key = name.toLowerCase();
    if (values.length === 0) map.delete(key);
    else map.set(key, [...values]);
  };
  return {
    server: `127.0.0.1:${port}`,
    setTxt: (name, values) => set(txt, name, values),
    setA: (name, values) => set(a, name, values),
    close: async () => {
      await server.close();
    },
  };
}
