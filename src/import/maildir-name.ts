// Maildir file names (https://cr.yp.to/proto/maildir.html; Dovecot's maildir-filename.c) for `postern import`
// (issue 16 item 1). Pure. The info part `:2,` carries the flags as letters: D \Draft, F \Flagged, R \Answered,
// S \Seen, T \Deleted, P passed (Dovecot ignores it; a plain Maildir's P becomes $Forwarded), and a–z the
// keywords numbered in dovecot-keywords. Dovecot puts ",S=<size>,W=<vsize>" in the base name.

const SYSTEM: Record<string, string> = { D: '\\Draft', F: '\\Flagged', R: '\\Answered', S: '\\Seen', T: '\\Deleted' };

/** The flags and keywords of a Maildir file name; `keywords` maps index (a = 0) to name. */
export function maildirFlags(filename: string, keywords: ReadonlyMap<number, string>, passedAsForwarded: boolean): string[] {
  const at = filename.indexOf(':2,');
  if (at === -1) return [];
  const flags = new Set<string>();
  for (const letter of filename.slice(at + 3)) {
    const system = SYSTEM[letter];
    if (system !== undefined) flags.add(system);
    else if (letter === 'P' && passedAsForwarded) flags.add('$Forwarded');
    else if (letter >= 'a' && letter <= 'z') {
      const name = keywords.get(letter.charCodeAt(0) - 97);
      if (name !== undefined) flags.add(name);
    }
  }
  return [...flags].sort();
}

/** The `,W=` virtual (CRLF) size Dovecot writes into the name, when present. */
export function vsizeOf(filename: string): number | undefined {
  const m = /,W=(\d+)/.exec(filename);
  return m ? Number(m[1]) : undefined;
}

/** dovecot-keywords: lines "<index> <name>" (Dovecot's maildir-keywords.c); later lines win. */
export function parseDovecotKeywords(text: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const line of text.split('\n')) {
    const m = /^(\d+) (\S+)$/.exec(line.trim());
    if (m && Number(m[1]) < 26) map.set(Number(m[1]), m[2]!);
  }
  return map;
}
