/** Readable, fixed-width tables of audit results, for a terminal or a report. */
import type { AgreementReport } from './agreement-report';
import type { Finding } from './finding';

export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const short = (id: string | null): string => (id === null ? '-' : id.length > 12 ? `${id.slice(0, 12)}…` : id);
const block = (n: number | null): string => (n === null ? '-' : String(n));

export function formatAgreementReport(r: AgreementReport): string {
  const parts = [
    `Agreement ${r.agreementId}: ${r.status} as of ${r.asOf}`,
    `Parties: ${r.parties.join(', ')} (accepted by ${r.acceptedBy.join(', ') || 'nobody'})`,
    `Valid ${r.validFrom} to ${r.validUntil}, retention ${r.retentionDays} days`,
    '',
    `Shares (${r.shares.length})`,
    table(
      ['block', 'share', 'ucr', 'from', 'to', 'purpose', 'categories', 'retain until', 'purged'],
      r.shares.map((s) => [block(s.block), short(s.shareId), s.ucr, s.from, s.to, s.purpose, s.categories.join(','), s.retainUntil, s.purgedAt ?? '-']),
    ),
    '',
    `Access requests (${r.accesses.length})`,
    table(['block', 'request', 'ucr', 'by', 'purpose', 'at'], r.accesses.map((a) => [block(a.block), short(a.requestId), a.ucr, a.by, a.purpose, a.at])),
    '',
    `Purges (${r.purges.length})`,
    table(
      ['block', 'tx', 'ucr', 'share', 'holder', 'reason', 'purged at'],
      r.purges.map((p) => [block(p.block), short(p.txId), p.ucr, short(p.shareId), p.holder, p.reason, p.purgedAt]),
    ),
  ];
  if (r.overdue.length > 0) {
    parts.push('', `Copies kept past their retention (${r.overdue.length})`);
    parts.push(table(['share', 'ucr', 'holder', 'due since'], r.overdue.map((o) => [short(o.shareId), o.ucr, o.holder, o.dueSince])));
  }
  if (r.skipped.length > 0) {
    parts.push('', `Documents left out, not being what their key says (${r.skipped.length})`);
    parts.push(table(['key', 'why'], r.skipped.map((d) => [d.key, d.reason])));
  }
  return parts.join('\n');
}

export function formatFindings(findings: readonly Finding[]): string {
  if (findings.length === 0) {
    return 'No findings.';
  }
  return table(
    ['block', 'tx', 'tx id', 'rule', 'message'],
    findings.map((f) => [block(f.block), f.tx === null ? '-' : String(f.tx), short(f.txId), f.rule, f.message]),
  );
}
