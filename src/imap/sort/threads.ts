// THREAD=ORDEREDSUBJECT and THREAD=REFERENCES (RFC 5256 §3: the six steps of REFERENCES, after JWZ) over the
// keys the store keeps per body, and the thread-list response form (RFC 5256 §4, §5 thread-members /
// thread-nested). Pure.
import { byDate, type SortItem } from './order.js';

/** A node of a thread: a message, or a dummy (no message) holding siblings together. */
export interface ThreadNode {
  item: SortItem | null;
  children: ThreadNode[];
}

/** ORDEREDSUBJECT: messages grouped by base subject, each group under its earliest; groups by that date. */
export function orderedSubject(items: readonly SortItem[]): ThreadNode[] {
  const sorted = [...items].sort((a, b) => (a.keys.subject < b.keys.subject ? -1 : a.keys.subject > b.keys.subject ? 1 : byDate(a, b)));
  const threads: ThreadNode[] = [];
  let current: ThreadNode | null = null;
  for (const item of sorted) {
    if (current?.item && current.item.keys.subject === item.keys.subject) current.children.push({ item, children: [] });
    else threads.push((current = { item, children: [] }));
  }
  return threads.sort((a, b) => byDate(a.item!, b.item!));
}

/** A node while threading; itself the ThreadNode returned (no copy of the tree). */
interface Container {
  item: SortItem | null;
  parent: Container | null;
  children: Container[];
  /** Step 5 merged this root under another. */
  merged: boolean;
  /** Step 5 put this dummy above this root. */
  replacedBy: Container | null;
}

/** The children of a container that has none: shared, never added to (link gives a container its own list). */
const NO_CHILDREN: Container[] = [];

const container = (): Container => ({ item: null, parent: null, children: NO_CHILDREN, merged: false, replacedBy: null });

/** Whether `c` is `ancestor` or below it. */
function isWithin(c: Container, ancestor: Container): boolean {
  for (let p: Container | null = c; p; p = p.parent) if (p === ancestor) return true;
  return false;
}

function unlink(c: Container): void {
  if (!c.parent) return;
  const siblings = c.parent.children;
  siblings.splice(siblings.indexOf(c), 1);
  c.parent = null;
}

function link(parent: Container, child: Container): void {
  unlink(child);
  child.parent = parent;
  if (parent.children === NO_CHILDREN) parent.children = [];
  parent.children.push(child);
}

/** The message a node sorts by: its own, or (a dummy) its first child's after sorting (RFC 5256 §3 step 4). */
function firstItem(c: Container): SortItem {
  return c.item ?? firstItem(c.children[0]!);
}

function sortSiblings(list: Container[], deep: boolean): void {
  for (const c of list) if ((deep || !c.item) && c.children.length > 0) sortSiblings(c.children, deep);
  if (list.length > 1) list.sort((a, b) => byDate(a.item ?? firstItem(a), b.item ?? firstItem(b)));
}

/** Step 3: dummies without children go; a dummy's children take its place, at the root only when alone. */
function prune(list: readonly Container[], parent: Container | null): Container[] {
  if (list.length === 0) return NO_CHILDREN;
  const out: Container[] = [];
  for (const c of list) {
    c.children = prune(c.children, c);
    if (c.item) out.push(c);
    else if (c.children.length === 0) continue;
    else if (parent !== null || c.children.length === 1) {
      for (const child of c.children) child.parent = parent;
      out.push(...c.children);
    } else out.push(c);
  }
  return out;
}

/** THREAD=REFERENCES (RFC 5256 §3), `items` in sequence order. */
export function referencesThreads(items: readonly SortItem[]): ThreadNode[] {
  const byId = new Map<string, Container>();
  const idContainer = (id: string): Container => {
    let c = byId.get(id);
    if (!c) byId.set(id, (c = container()));
    return c;
  };
  const all: Container[] = [];
  for (const item of items) {
    // Step 1A: a message without a Message-ID, or with one an earlier message has, gets a unique one.
    const id = item.keys.messageId;
    let own: Container;
    if (id !== null && !byId.get(id)?.item) own = idContainer(id);
    else own = container();
    own.item = item;
    all.push(own);
    // Step 1B: link the references in order, parent before child, never making a loop nor re-parenting.
    const refs = item.keys.references.length === 0 ? NO_CHILDREN : item.keys.references.map(idContainer);
    for (let i = 1; i < refs.length; i++) {
      const parent = refs[i - 1]!;
      const child = refs[i]!;
      if (child.parent === null && parent !== child && !isWithin(parent, child)) link(parent, child);
    }
    // Step 1C: the last reference is the message's parent (breaking any earlier link), unless that makes a loop.
    unlink(own);
    const last = refs[refs.length - 1];
    if (last && !isWithin(last, own)) link(last, own);
  }
  for (const c of byId.values()) if (!c.item) all.push(c); // referenced only: every message's container has its item
  // Step 2: the root set.
  let roots = prune(
    all.filter((c) => c.parent === null),
    null,
  );
  // Step 4: sort the root set by sent date (a dummy by its first child's).
  sortSiblings(roots, false);
  // Step 5: gather roots of the same base subject.
  const subjectOf = (c: Container): string => firstItem(c).keys.subject;
  const replyOf = (c: Container): boolean => c.item !== null && c.item.keys.isReply;
  const table = new Map<string, Container>();
  for (const c of roots) {
    const subject = subjectOf(c);
    if (subject === '') continue;
    const old = table.get(subject);
    if (!old || (!c.item && old.item) || (old.item && c.item && replyOf(old) && !replyOf(c))) table.set(subject, c);
  }
  for (const c of roots) {
    const subject = subjectOf(c);
    const t = subject === '' ? undefined : table.get(subject);
    if (!t || t === c) continue;
    if (!t.item && !c.item) {
      for (const child of [...c.children]) link(t, child);
    } else if (!t.item || (t.item && !replyOf(t) && replyOf(c))) {
      link(t, c);
    } else {
      const dummy = container();
      t.replacedBy = dummy;
      link(dummy, t);
      link(dummy, c);
      table.set(subject, dummy);
    }
    c.merged = true;
  }
  roots = roots.filter((c) => !c.merged).map(topOf);
  // Step 6: sort every set of siblings by sent date.
  sortSiblings(roots, true);
  return roots;
}

/** The root a container now hangs under, through the dummies step 5 put above it. */
function topOf(c: Container): Container {
  let top = c;
  while (top.replacedBy) top = top.replacedBy;
  return top;
}

/** A thread's members (RFC 5256 §5): a message, then one child inline or several nested; a dummy nests all. */
function members(node: ThreadNode, number: (item: SortItem) => number): string {
  const nested = (): string => node.children.map((c) => `(${members(c, number)})`).join('');
  if (!node.item) return nested();
  const n = String(number(node.item));
  if (node.children.length === 0) return n;
  if (node.children.length === 1) return `${n} ${members(node.children[0]!, number)}`;
  return `${n} ${nested()}`;
}

/** `* THREAD` response data: each thread in parentheses (RFC 5256 §4). */
export function formatThreads(threads: readonly ThreadNode[], number: (item: SortItem) => number): string {
  return threads.map((t) => `(${members(t, number)})`).join('');
}
