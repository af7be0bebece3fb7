// `metrics.listen` (issue 16 item 4): IPv4:PORT and [IPv6]:PORT, anything else named as wrong.
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/load.js';
import { parseHostPort } from '../../../src/config/host-port.js';

describe('parseHostPort', () => {
  it('reads IPv4 and bracketed IPv6 addresses', () => {
    expect(parseHostPort('127.0.0.1:9464')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseHostPort('[::1]:9464')).toEqual({ host: '::1', port: 9464 });
    expect(parseHostPort('0.0.0.0:0')).toEqual({ host: '0.0.0.0', port: 0 });
  });

  it.each(['::1:9464', '127.0.0.1', 'localhost:9464', '127.0.0.1:70000', '[127.0.0.1]:1', '1.2.3.4:', ':9464', '[::1]9464', ' 127.0.0.1:1'])(
    'refuses %j',
    (text) => {
      expect(typeof parseHostPort(text)).toBe('string');
    },
  );
});

describe('metrics config key', () => {
  it('is off when absent and parsed when present', () => {
    expect(parseConfigText('listeners: []\n', 't.yaml', '/tmp').metrics).toBeUndefined();
    expect(parseConfigText('listeners: []\nmetrics: { listen: "[::1]:9464" }\n', 't.yaml', '/tmp').metrics).toEqual({ listen: '[::1]:9464' });
  });

  it('names the key of a bad address', () => {
    expect(() => parseConfigText('listeners: []\nmetrics: { listen: "localhost:9464" }\n', 't.yaml', '/tmp')).toThrow(/metrics\.listen/);
  });
});
