// Benchmark message generator: deterministic, realistic 2-50 KB MIME messages (multiparts, attachments) from a seed.

/** mulberry32: a small, fast, seeded PRNG. @param {number} seed */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the of and to in is that for it as was with be by on not he this are or his from at which but have an they ' +
  'you were her she there been one all we their has would when if so no will more can about said up out some ' +
  'meeting report budget quarter project deadline review draft invoice schedule customer server release ' +
  'network backup storage mailbox delivery update change request approval contract proposal agenda minutes ' +
  'travel expense office holiday weekend lunch coffee team manager design test build deploy issue ticket ' +
  'please thanks regards attached following below above question answer today tomorrow yesterday monday ' +
  'friday morning afternoon evening number version document spreadsheet presentation summary details'
).split(' ');

/** The rare word: present in the text of about 1% of the messages (SEARCH TEXT target). */
export const RARE_WORD = 'quokkafjord';
/** Senders: SEARCH FROM target is SENDERS[0]'s local part, in about 1 of SENDERS.length messages. */
export const SENDERS = Array.from({ length: 40 }, (_, i) => ({
  name: `${['Alice', 'Bob', 'Carol', 'Dave', 'Erin', 'Frank', 'Grace', 'Heidi'][i % 8]} ${['Smith', 'Jones', 'Novak', 'Garcia', 'Kim'][i % 5]}`,
  addr: `sender${String(i).padStart(2, '0')}@example${i % 7}.org`,
}));
export const FROM_TARGET = 'sender00@';
/** Date headers spread over DAYS days before BASE_DATE; SENTSINCE target selects about the newest 10%. */
const BASE_DATE = Date.UTC(2025, 5, 30, 12, 0, 0);
const DAYS = 365;
export const SENTSINCE_TARGET = imapDate(new Date(BASE_DATE - 36 * 86_400_000));

/** @param {Date} d */
export function imapDate(d) {
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  return `${d.getUTCDate()}-${mon}-${d.getUTCFullYear()}`;
}

/** @param {() => number} r @param {number} n */
function words(r, n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(WORDS[Math.floor(r() * WORDS.length)]);
  return out;
}

/** Paragraphs of words wrapped at ~72 columns, total about `bytes` octets. @param {() => number} r @param {number} bytes */
function text(r, bytes) {
  const lines = [];
  let size = 0;
  let line = [];
  let len = 0;
  while (size < bytes) {
    const w = WORDS[Math.floor(r() * WORDS.length)] ?? 'x';
    if (len + w.length + 1 > 72) {
      lines.push(line.join(' '));
      size += len + 2;
      line = [];
      len = 0;
      if (r() < 0.15) { lines.push(''); size += 2; }
    }
    line.push(w);
    len += w.length + 1;
  }
  if (line.length) lines.push(line.join(' '));
  return lines;
}

/** Base64 of `n` pseudo-random bytes, 76-column lines. @param {() => number} r @param {number} n */
function base64Lines(r, n) {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  const s = b.toString('base64');
  const out = [];
  for (let i = 0; i < s.length; i += 76) out.push(s.slice(i, i + 76));
  return out;
}

/**
 * Message i of the set generated from `seed` (CRLF line ends), for recipient `to`.
 * @param {number} seed @param {number} i @param {string} to
 * @returns {Buffer}
 */
export function message(seed, i, to) {
  const r = rng((seed * 1_000_003 + i * 7919) >>> 0);
  // Target size: log-uniform between 2 KB and 50 KB.
  const target = Math.round(2048 * Math.exp(r() * Math.log(50 / 2)));
  const sender = i % SENDERS.length === 0 ? SENDERS[0] : SENDERS[1 + Math.floor(r() * (SENDERS.length - 1))];
  const rare = i % 100 === 37;
  const date = new Date(BASE_DATE - Math.floor(r() * DAYS * 86_400_000));
  const subjectWords = words(r, 3 + Math.floor(r() * 6)).join(' ');
  const subject = r() < 0.1 ? `=?UTF-8?B?${Buffer.from(`Re: ${subjectWords} \u2013 \u00e9t\u00e9`).toString('base64')}?=` : `Re: ${subjectWords}`;
  const h = [
    `Received: from mx${i % 3}.example.net (mx${i % 3}.example.net [192.0.2.${i % 250}])`,
    `\tby border.bench.local with ESMTPS id ${(i * 2654435761 >>> 0).toString(16)}`,
    `\tfor <${to}>; ${date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${seed}.${i}.${Math.floor(r() * 1e9)}@${sender.addr.split('@')[1]}>`,
    `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
    `From: "${sender.name}" <${sender.addr}>`,
    `To: <${to}>`,
    ...(r() < 0.3 ? [`Cc: "Team" <team${i % 5}@example.org>, <ops@example.org>`] : []),
    `Subject: ${subject}`,
    ...(r() < 0.2 ? [`In-Reply-To: <${seed}.${Math.max(0, i - 1)}@example.org>`] : []),
    `MIME-Version: 1.0`,
  ];
  const kind = r();
  const bodyText = () => {
    const share = kind < 0.5 ? 0.42 : 0.15 + r() * 0.2;
    const t = text(r, Math.max(600, Math.floor(target * share)));
    if (rare) t.splice(Math.floor(t.length / 2), 0, `the ${RARE_WORD} figures are in`);
    return t;
  };
  /** @type {string[]} */ let lines;
  const boundary = (n) => `=_bench_${seed}_${i}_${n}`;
  if (kind < 0.2) {
    lines = [...h, 'Content-Type: text/plain; charset=us-ascii', 'Content-Transfer-Encoding: 7bit', '', ...bodyText()];
    while (lines.join('\r\n').length < target) lines.push(...text(r, Math.min(4000, target)));
  } else {
    const plain = bodyText();
    const alt = [
      `--${boundary(1)}`, 'Content-Type: text/plain; charset=us-ascii', 'Content-Transfer-Encoding: 7bit', '', ...plain,
      `--${boundary(1)}`, 'Content-Type: text/html; charset=us-ascii', 'Content-Transfer-Encoding: 7bit', '',
      '<html><body>', ...plain.map((l) => (l === '' ? '<p>' : l)), '</body></html>',
      `--${boundary(1)}--`,
    ];
    if (kind < 0.5) {
      lines = [...h, `Content-Type: multipart/alternative; boundary="${boundary(1)}"`, '', 'This is a multi-part message in MIME format.', ...alt];
    } else {
      const used = [...h, ...alt].join('\r\n').length + 400;
      const attachments = 1 + (r() < 0.3 ? 1 : 0);
      const parts = [];
      for (let a = 0; a < attachments; a++) {
        const raw = Math.max(200, Math.floor(((target - used) / attachments) * 0.74));
        const [name, type] = r() < 0.5 ? [`report-${i}-${a}.pdf`, 'application/pdf'] : [`photo-${i}-${a}.png`, 'image/png'];
        parts.push(`--${boundary(0)}`, `Content-Type: ${type}; name="${name}"`, 'Content-Transfer-Encoding: base64',
          `Content-Disposition: attachment; filename="${name}"`, '', ...base64Lines(r, raw));
      }
      lines = [...h, `Content-Type: multipart/mixed; boundary="${boundary(0)}"`, '', 'This is a multi-part message in MIME format.',
        `--${boundary(0)}`, `Content-Type: multipart/alternative; boundary="${boundary(1)}"`, '', ...alt, '',
        ...parts, `--${boundary(0)}--`];
    }
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1');
}
