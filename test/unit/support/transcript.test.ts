// Tests of the transcript notation (test/support/transcript.ts, ARCHITECTURE.md "Tests"): header options,
// escapes, globs and captures; and the runner against small misbehaving loopback servers (R5.2 injection).
import { createServer, type Server, type Socket } from 'node:net';
import { createSecureContext, TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSelfSigned } from '../../../src/tls/certificates.js';
import {
  compilePattern,
  parseSegments,
  parseTranscript,
  renderSend,
  runTranscript,
  TranscriptError,
  TranscriptSyntaxError,
  type Segment,
} from '../../support/transcript.js';

const bytes = (segments: Segment[]): string => renderSend(segments, new Map()).toString('hex');
const matches = (pattern: string, line: string, vars = new Map<string, string>()): Record<string, string> | null => {
  const { regex } = compilePattern(parseSegments(pattern, 'expect'), vars);
  const m = regex.exec(Buffer.from(line, 'utf8').toString('latin1'));
  return m ? { ...m.groups } : null;
};

describe('transcript header', () => {
  it('reads listeners, users, timeout and the cited requirement ids', () => {
    const t = parseTranscript(
      [
        '# STARTTLS injection (R5.2, R11.1)',
        '# R5.2 again, and R3',
        '# listener: lmtp tcp 2',
        '# listener2: imap unix',
        '# listener3: pop3 tls 1',
        '# user: alice@example.org secret',
        '# user: full@example.org pw quota=10',
        '# timeout: 250',
        'S: 220 *',
        '# a body comment: not an option',
        'C2: NOOP',
        'TLS3',
        'CLOSED',
      ].join('\n'),
      'x.txt',
    );
    expect(t.requirements).toEqual(['R5.2', 'R11.1', 'R3']);
    expect(t.listeners.get(1)).toEqual({ protocol: 'lmtp', kind: 'tcp', index: 2 });
    expect(t.listeners.get(2)).toEqual({ protocol: 'imap', kind: 'unix', index: 0 });
    expect(t.listeners.get(3)).toEqual({ protocol: 'pop3', kind: 'tls', index: 1 });
    expect(t.users).toEqual([
      { name: 'alice@example.org', password: 'secret', quotaBytes: null },
      { name: 'full@example.org', password: 'pw', quotaBytes: 10 },
    ]);
    expect(t.timeoutMs).toBe(250);
    expect(t.steps.map((s) => [s.kind, s.conn, s.line])).toEqual([
      ['expect', 1, 9],
      ['send', 2, 11],
      ['tls', 3, 12],
      ['closed', 1, 13],
    ]);
  });

  it('lets a second connection default to the first listener', () => {
    const t = parseTranscript('# listener: lmtp unix\nC: A\nC2: B\n', 'x.txt');
    expect(t.listeners.get(2)).toEqual({ protocol: 'lmtp', kind: 'unix', index: 0 });
  });

  it.each([
    ['# listner: lmtp tcp', /x\.txt:1: unknown or malformed header option "listner"/],
    ['# listener: lmtp udp 0', /x\.txt:1: listener must be/],
    ['# listener: lmtp unix 1', /a unix listener takes no index/],
    ['# user: alice', /x\.txt:1: user must be/],
    ['# timeout: soon', /malformed header option "timeout"/],
    ['# listener: lmtp tcp\nC:NOOP', /x\.txt:2: expected a space after the colon/],
    ['# listener: lmtp tcp\nSEND: NOOP', /x\.txt:2: expected C:, S:, TLS, CLOSED/],
    ['# listener: lmtp tcp\nC0: NOOP', /connections are numbered from 1/],
    ['# listener: lmtp tcp\nC: USE $tok\nS: TOKEN $tok', /x\.txt:2: \$tok is used before an S: line captures it/],
    ['# R1\nC: NOOP', /no "# listener:" names where to connect/],
  ])('refuses %j', (text, message) => {
    expect(() => parseTranscript(text, 'x.txt')).toThrow(TranscriptSyntaxError);
    expect(() => parseTranscript(text, 'x.txt')).toThrow(message);
  });
});

describe('transcript escapes', () => {
  it('decodes CR, LF, tab, backslash and \\xHH as single bytes', () => {
    expect(bytes(parseSegments('A\\r\\nB\\tC\\\\D', 'send'))).toBe(Buffer.from('A\r\nB\tC\\D').toString('hex'));
    expect(bytes(parseSegments('\\x00\\xff\\x7F', 'send'))).toBe('00ff7f');
  });

  it('sends UTF-8 text as its bytes', () => {
    expect(bytes(parseSegments('é', 'send'))).toBe('c3a9');
  });

  it('keeps unknown escapes literal, so IMAP flags read naturally', () => {
    const flags = 'FLAGS (\\Seen \\Recent \\Noselect)';
    expect(bytes(parseSegments(flags, 'send'))).toBe(Buffer.from(flags).toString('hex'));
  });

  it('repeats \\{N:text}, with escapes inside and \\} for a brace', () => {
    expect(bytes(parseSegments('\\{3:ab}', 'send'))).toBe(Buffer.from('ababab').toString('hex'));
    expect(bytes(parseSegments('\\{2:X\\r\\n}Y', 'send'))).toBe(Buffer.from('X\r\nX\r\nY').toString('hex'));
    expect(bytes(parseSegments('\\{2:a\\}}', 'send'))).toBe(Buffer.from('a}a}').toString('hex'));
    expect(bytes(parseSegments('\\{0:zzz}end', 'send'))).toBe(Buffer.from('end').toString('hex'));
    expect(renderSend(parseSegments('\\{5000:A}', 'send'), new Map())).toHaveLength(5000);
    expect(bytes(parseSegments('a}b', 'send'))).toBe(Buffer.from('a}b').toString('hex'));
  });

  it.each(['\\{3:abc', '\\{:a}', '\\{9999999:a}', '\\x4', '\\xZZ'])('refuses the malformed escape %j', (src) => {
    expect(() => parseSegments(src, 'send')).toThrow(TranscriptSyntaxError);
  });

  it('sends * literally in C: lines', () => {
    expect(bytes(parseSegments('a1 FETCH 1:* FLAGS', 'send'))).toBe(Buffer.from('a1 FETCH 1:* FLAGS').toString('hex'));
  });
});

describe('transcript patterns', () => {
  it('treats * as a glob and \\* as a star', () => {
    expect(matches('250 *', '250 2.0.0 OK')).not.toBeNull();
    expect(matches('250 *', '250 ')).not.toBeNull();
    expect(matches('250 *', '251 2.0.0 OK')).toBeNull();
    expect(matches('* OK', '* OK')).not.toBeNull();
    expect(matches('a*c', 'abbbc')).not.toBeNull();
    expect(matches('a\\*c', 'abc')).toBeNull();
    expect(matches('a\\*c', 'a*c')).not.toBeNull();
  });

  it('matches the whole line, regex characters literally', () => {
    expect(matches('250 OK', '250 OK trailing')).toBeNull();
    expect(matches('250 OK', 'x250 OK')).toBeNull();
    expect(matches('a.b (c) [d] +?', 'a.b (c) [d] +?')).not.toBeNull();
    expect(matches('a.b', 'axb')).toBeNull();
  });

  it('matches escaped and UTF-8 bytes', () => {
    expect(matches('caf\\xc3\\xa9', 'café')).not.toBeNull();
    expect(matches('café', 'café')).not.toBeNull();
    expect(matches('cafe', 'café')).toBeNull();
  });

  it('captures a run of non-space characters, and substitutes it once bound', () => {
    expect(matches('250 2.0.0 <a@b> $id Saved', '250 2.0.0 <a@b> 3F2A.1 Saved')).toEqual({ id: '3F2A.1' });
    expect(matches('250 2.0.0 <a@b> $id Saved', '250 2.0.0 <a@b> two words Saved')).toBeNull();
    expect(matches('* OK [UIDVALIDITY $uv] *', '* OK [UIDVALIDITY 1234] UIDs valid')).toEqual({ uv: '1234' });
    const bound = new Map([['id', '3F2A.1']]);
    expect(matches('id=$id', 'id=3F2A.1', bound)).toEqual({});
    expect(matches('id=$id', 'id=3F2A.2', bound)).toBeNull();
    expect(matches('id=$id', 'id=3F2Ax1', bound)).toBeNull(); // the bound value is literal, not a regex
  });

  it('reads ${name} next to other text, a lone $ literally, \\$ as a dollar', () => {
    expect(matches('${n}th', '12th')).toEqual({ n: '12' });
    expect(matches('cost $ 5', 'cost $ 5')).not.toBeNull();
    expect(matches('\\$Forwarded', '$Forwarded')).not.toBeNull();
  });

  it('makes a second use of a new capture in the same line a back-reference', () => {
    expect(matches('$a and $a', 'x and x')).toEqual({ a: 'x' });
    expect(matches('$a and $a', 'x and y')).toBeNull();
  });

  it('substitutes captures in C: lines', () => {
    const send = parseSegments('USE $tok ${tok}!', 'send');
    expect(renderSend(send, new Map([['tok', 'k9']])).toString()).toBe('USE k9 k9!');
    expect(() => renderSend(send, new Map())).toThrow(TranscriptError);
  });
});

/** A line server for the runner tests: `behave` answers each line; STARTTLS upgrades (well or badly). */
function lineServer(behave: (line: string, s: Socket) => 'starttls' | 'starttls-answering-rest' | void): Server {
  const cert = generated;
  return createServer((raw) => {
    raw.on('error', () => undefined);
    raw.write('220 ready\r\n');
    let buf = '';
    const onData = (d: Buffer): void => {
      buf += d.toString('latin1');
      for (let i = buf.indexOf('\r\n'); i !== -1; i = buf.indexOf('\r\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const what = behave(line, raw);
        if (what === undefined) continue;
        raw.write('220 go ahead\r\n');
        if (what === 'starttls-answering-rest') for (const rest of buf.split('\r\n').filter((l) => l !== '')) raw.write(`250 ${rest}\r\n`);
        raw.off('data', onData);
        const secure = new TLSSocket(raw, { isServer: true, secureContext: createSecureContext({ cert: cert.certPem, key: cert.keyPem }) });
        secure.on('error', () => undefined);
        secure.on('data', (x: Buffer) => secure.write(`echo ${x.toString('latin1')}`));
        return;
      }
    };
    raw.on('data', onData);
  });
}

let generated: { certPem: string; keyPem: string };
const servers: Server[] = [];

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no port');
  return addr.port;
}

async function play(port: number, body: string): Promise<Map<string, string>> {
  const t = parseTranscript(`# listener: test tcp 0\n# timeout: 300\n${body}`, 'run.txt');
  return runTranscript(t, { port: () => port, unixPath: () => '/nonexistent' });
}

describe('transcript runner', () => {
  let echo: number;
  let goodTls: number;
  let leakyTls: number;
  beforeAll(async () => {
    generated = generateSelfSigned({ hostName: 'transcript.test.example' });
    echo = await listen(
      lineServer((line, s) => {
        if (line === 'QUIT') s.end('221 bye\r\n');
        else if (line === 'TOKEN') s.write('TOKEN t-42\r\n');
        else if (line === 'TWO') s.write('one\r\ntwo\r\n');
        else s.write(`echo ${line}\r\n`);
      }),
    );
    goodTls = await listen(lineServer((line) => (line === 'STARTTLS' ? 'starttls' : undefined)));
    leakyTls = await listen(lineServer((line) => (line === 'STARTTLS' ? 'starttls-answering-rest' : undefined)));
  });
  afterAll(async () => {
    for (const s of servers) await new Promise((resolve) => s.close(resolve));
  });

  it('plays a script and returns its captures, which later C: lines use', async () => {
    const script = ['S: 220 ready', 'C: TOKEN', 'S: TOKEN $tok', 'C: USE $tok\\r\\nB \\x01', 'S: echo USE t-42', 'S: echo B \\x01'];
    const vars = await play(echo, [...script, 'C: QUIT', 'S: 221 *', 'CLOSED'].join('\n'));
    expect(vars.get('tok')).toBe('t-42');
  });

  it('fails on a line that does not match, naming the transcript line and what was received', async () => {
    const run = play(echo, 'S: 220 ready\nC: hello\nS: echo goodbye\n');
    await expect(run).rejects.toThrow(TranscriptError);
    await expect(play(echo, 'S: 220 ready\nC: hello\nS: echo goodbye\n')).rejects.toThrow(
      /run\.txt:5: S: echo goodbye\n {2}got "echo hello"\n.*\n {4}matched {3}"220 ready"\n {4}UNMATCHED "echo hello"$/,
    );
  });

  it('fails when an expected line never comes, within the timeout', async () => {
    const started = Date.now();
    await expect(play(echo, 'S: 220 ready\nS: 250 more\n')).rejects.toThrow(/run\.txt:4: S: 250 more\n {2}no line within 300 ms/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('fails on lines nobody expected, at the end and before CLOSED', async () => {
    await expect(play(echo, 'S: 220 ready\nC: TWO\nS: one\n')).rejects.toThrow(/unmatched at the end of the transcript: "two"/);
    await expect(play(echo, 'S: 220 ready\nC: TWO\nS: one\nCLOSED\n')).rejects.toThrow(/run\.txt:6: CLOSED\n {2}unexpected data: "two"/);
  });

  it('fails CLOSED when the server keeps the connection open', async () => {
    await expect(play(echo, 'S: 220 ready\nCLOSED\n')).rejects.toThrow(/still open after 300 ms/);
  });

  it('fails a C: line after the server closed', async () => {
    const script = 'S: 220 ready\nC: QUIT\nS: 221 bye\nCLOSED\nC: NOOP\n';
    await expect(play(echo, script)).rejects.toThrow(/run\.txt:7: C: NOOP\n {2}the server has closed/);
  });

  it('runs STARTTLS: bytes pipelined after the command stay unanswered with a server that drops them', async () => {
    await play(goodTls, 'S: 220 ready\nC: STARTTLS\\r\\nRSET\nS: 220 go ahead\nTLS\nC: hi\nS: echo hi\n');
  });

  it('fails TLS when the server answered bytes pipelined after STARTTLS', async () => {
    await expect(play(leakyTls, 'S: 220 ready\nC: STARTTLS\\r\\nRSET\nS: 220 go ahead\nTLS\nC: hi\nS: echo hi\n')).rejects.toThrow(
      /run\.txt:6: TLS\n {2}(unmatched before the handshake: "250 RSET"|TLS handshake failed)/,
    );
  });
});
