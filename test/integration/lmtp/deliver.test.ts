// R1.4, R1.5, R1.7, R1.8, R2.2: deliveries with nodemailer's LMTP client — one reply per recipient, the
// body stored once, the trace fields in order, forged Authentication-Results removed and foreign kept.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../support/server.js';

let t: TestServer;
let alice: number;
let bob: number;

beforeAll(async () => {
  t = await startTestServer();
  alice = await t.addUser('alice@example.org', 'pw-alice');
  bob = await t.addUser('bob', 'pw-bob');
});
afterAll(() => t.stop());

const RAW = [
  'Authentication-Results: mx.test.example; dkim=pass header.d=bank.example',
  'Authentication-Results: (forged\r\n (nested)) "MX.Test.Example" 1; spf=pass',
  'Authentication-Results: other.example; spf=fail smtp.mailfrom=x@y.example',
  'From: Carol <carol@sender.example>',
  'To: alice@example.org, bob@example.org',
  'Subject: Hello',
  'Message-ID: <m1@sender.example>',
  '',
  'Body line one.',
  '..starts with a dot',
  '',
].join('\r\n');

function lmtpTransport(port: number) {
  return nodemailer.createTransport({ host: '127.0.0.1', port, lmtp: true, secure: false, ignoreTLS: true, name: 'mta.test.example' });
}

describe('LMTP delivery with nodemailer', () => {
  it('gives one reply per recipient and stores the body once', async () => {
    const info = await lmtpTransport(t.port('lmtp')).sendMail({
      envelope: { from: 'carol@sender.example', to: ['alice@example.org', 'bob+lists@example.org', 'nobody@example.org'] },
      raw: RAW,
    });
    expect(info.accepted.sort()).toEqual(['alice@example.org', 'bob+lists@example.org']);
    expect(info.rejected).toEqual(['nobody@example.org']);

    const store = t.server.store;
    const aliceInbox = await store.getMailbox(alice, 'INBOX');
    const bobInbox = await store.getMailbox(bob, 'INBOX');
    const [a] = await store.listMessages(alice, aliceInbox.id);
    const [b] = await store.listMessages(bob, bobInbox.id);
    expect(a && b).toBeTruthy();
    expect(a!.bodyId).toBe(b!.bodyId); // R1.8
    expect(a!.forgedFields).toBe(2);
    expect(aliceInbox.messages).toBe(1);

    const text = (await store.readMessage(alice, aliceInbox.id, a!.uid)).toString('utf8');
    const lines = text.split('\r\n');
    // R1.7: Return-Path, Delivered-To, then our A-R directly above our Received, then the original header.
    expect(lines[0]).toBe('Return-Path: <carol@sender.example>');
    expect(lines[1]).toBe('Delivered-To: alice@example.org');
    expect(lines[2]).toMatch(/^Authentication-Results: mx\.test\.example;/);
    const received = lines.findIndex((l) => l.startsWith('Received:'));
    const ourAr = text.slice(0, text.indexOf('\r\nReceived:'));
    expect(ourAr.split('\r\n').filter((l) => /^Authentication-Results:/i.test(l))).toHaveLength(1);
    expect(lines.slice(received).join('\n')).toMatch(/with LMTP/);
    // R2.2: both forged fields gone, the foreign one kept.
    expect(text).not.toMatch(/dkim=pass header\.d=bank\.example/);
    expect(text).not.toMatch(/forged/);
    expect(text).toContain('Authentication-Results: other.example; spf=fail smtp.mailfrom=x@y.example');
    // R1.6: dot-unstuffing done, otherwise byte-exact.
    expect(text.endsWith('From: Carol <carol@sender.example>\r\nTo: alice@example.org, bob@example.org\r\nSubject: Hello\r\nMessage-ID: <m1@sender.example>\r\n\r\nBody line one.\r\n..starts with a dot\r\n')).toBe(true);

    const bobText = (await store.readMessage(bob, bobInbox.id, b!.uid)).toString('utf8');
    expect(bobText.split('\r\n')[1]).toBe('Delivered-To: bob+lists@example.org');

    const delivery = t.logs.find((l) => l.event === 'delivery');
    expect(delivery).toMatchObject({ messageId: '<m1@sender.example>', forgedRemoved: 2, requireTls: false });
    expect(JSON.stringify(t.logs)).not.toContain('Body line one');
  });
});
