import { describe, expect, it } from 'vitest';
import { parsePortRange } from '../../../src/coordinator/ephemeral-range.js';
import { decodeProcAddress, formatCommand, parseProcNetTcp } from '../../../src/os/port-holder.js';

describe('/proc/net/tcp parsing', () => {
  it.each([
    ['0100007F', '127.0.0.1'],
    ['00000000', '0.0.0.0'],
    ['0202000A', '10.0.2.2'],
    ['00000000000000000000000000000000', '::'],
    ['00000000000000000000000001000000', '::1'],
    ['0000000000000000FFFF00000100007F', '::ffff:127.0.0.1'],
    ['000000FD000000000000000002000000', 'fd00::2'],
  ])('decodes %s as %s', (hex, address) => {
    expect(decodeProcAddress(hex)).toBe(address);
  });

  it('finds listening sockets only', () => {
    const table = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0',
      '   1: 0100007F:0BB9 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 4343 1 0',
    ].join('\n');
    expect(parseProcNetTcp(table)).toEqual([{ address: '127.0.0.1', port: 3000, inode: 4242 }]);
  });

  it('shortens long commands and reads port ranges', () => {
    expect(formatCommand(['node', 'server.js', ''])).toBe('node server.js');
    expect(formatCommand(['x'.repeat(200)], 10)).toBe(`${'x'.repeat(9)}…`);
    expect(formatCommand([])).toBeNull();
    expect(parsePortRange('32768\t60999\n')).toEqual([32768, 60999]);
    expect(parsePortRange('garbage')).toBeNull();
    expect(parsePortRange('9 1')).toBeNull();
  });
});
