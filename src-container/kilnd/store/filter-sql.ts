// One NIP-01 filter → one SQL statement. A filter with a single-valued tag condition is driven
// by the tags index (its copied created_at/kind columns keep the scan in order, so LIMIT stops
// early); everything else is driven by an events index chosen by SQLite. See migrations.ts.
import type { Filter } from './shapes';

export interface FilterSql {
  /** FROM … WHERE … (no ORDER BY / LIMIT), shared by SELECT and COUNT. */
  body: string;
  /** The column to order by, newest first ("t.created_at" when the tags index drives). */
  orderBy: string;
  params: unknown[];
  /** For COUNT: the same rows, without joining events when the tags index alone can answer. */
  countBody: string;
  countRowid: string;
}

const hexBytes = (hex: string) => Buffer.from(hex, 'hex');
const marks = (n: number) => new Array<string>(n).fill('?').join(',');

/** Build the statement body for a filter, or null when the filter can match nothing (an empty list). */
export function filterSql(filter: Filter): FilterSql | null {
  const tagConds: Array<[name: string, values: string[]]> = [];
  for (const [key, values] of Object.entries(filter)) {
    if (!key.startsWith('#') || values === undefined) continue;
    if ((values as string[]).length === 0) return null;
    tagConds.push([key.slice(1), [...new Set(values as string[])]]);
  }
  for (const list of [filter.ids, filter.authors, filter.kinds]) if (list && list.length === 0) return null;
  if (filter.since !== undefined && filter.until !== undefined && filter.since > filter.until) return null;

  const where: string[] = [];
  const params: unknown[] = [];
  let from = 'events e';
  let time = 'e.created_at';
  let kindCol = 'e.kind';
  let tagsOnly = false;

  // Drive from the tags index when one tag condition has exactly one value: its rows are
  // already ordered by created_at, so "newest N with #E=x" reads N index entries.
  const drivingAt = tagConds.findIndex(([, values]) => values.length === 1);
  if (drivingAt >= 0) {
    const [name, values] = tagConds.splice(drivingAt, 1)[0]!;
    from = 'tags t JOIN events e ON e.rowid = t.event_rowid';
    where.push('t.name = ?', 't.value = ?');
    params.push(name, values[0]);
    time = 't.created_at';
    kindCol = 't.kind';
    tagsOnly = !filter.ids && !filter.authors && tagConds.length === 0;
  }
  if (filter.ids) {
    where.push(`e.id IN (${marks(filter.ids.length)})`);
    params.push(...filter.ids.map(hexBytes));
  }
  if (filter.authors) {
    where.push(`e.pubkey IN (${marks(filter.authors.length)})`);
    params.push(...filter.authors.map(hexBytes));
  }
  if (filter.kinds) {
    const kinds = [...new Set(filter.kinds)];
    where.push(kinds.length === 1 ? `${kindCol} = ?` : `${kindCol} IN (${marks(kinds.length)})`);
    params.push(...kinds);
  }
  if (filter.since !== undefined) {
    where.push(`${time} >= ?`);
    params.push(filter.since);
  }
  if (filter.until !== undefined) {
    where.push(`${time} <= ?`);
    params.push(filter.until);
  }
  // Remaining tag conditions: membership tests; IN (subquery) never duplicates a row.
  for (const [name, values] of tagConds) {
    where.push(`e.rowid IN (SELECT event_rowid FROM tags WHERE name = ? AND value IN (${marks(values.length)}))`);
    params.push(name, ...values);
  }
  const conditions = where.length ? ` WHERE ${where.join(' AND ')}` : '';
  return {
    body: `FROM ${from}${conditions}`,
    orderBy: time,
    params,
    // Counting "#E = session" touches only the tags index, not 100k event rows.
    countBody: tagsOnly ? `FROM tags t${conditions}` : `FROM ${from}${conditions}`,
    countRowid: tagsOnly ? 't.event_rowid' : 'e.rowid',
  };
}

/** Newest first, ties by id (NIP-01 leaves ties open; a fixed order makes pagination stable). */
export function selectStatement(f: FilterSql): string {
  return `SELECT e.rowid AS rowid, e.created_at AS created_at, e.raw AS raw ${f.body} ORDER BY ${f.orderBy} DESC, e.id LIMIT ?`;
}

export function countStatement(parts: FilterSql[]): string {
  if (parts.length === 1) return `SELECT COUNT(*) AS n ${parts[0]!.countBody}`;
  // Several filters: an event matching two of them is counted once.
  return `SELECT COUNT(*) AS n FROM (${parts.map((p) => `SELECT ${p.countRowid} ${p.countBody}`).join(' UNION ')})`;
}
