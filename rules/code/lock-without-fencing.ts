// rules.md rule 42: distributed locks that are not leases, are released by whoever asks, protect
// writes without a fencing token, or expire before the work they guard can finish.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeText, type CallLike } from '../../src/code/ast.js';
import {
  criticalSection,
  extendsLease,
  fenceNames,
  helperAcquireOf,
  isFenced,
  lockFacts,
  longestAwaitedTimeout,
  protectedWrites,
  type LockAcquire,
  type LockRelease,
} from '../../src/code/locks.js';
import type { CodeModel } from '../../src/code/model.js';
import { sameKey } from '../../src/code/values.js';
import { createCodeRule } from '../../src/review/rule.js';
import type { Precision, RelatedLocation } from '../../src/review/types.js';

type Variant = 'no-lease' | 'non-atomic-lease' | 'unsafe-release' | 'no-fencing-token' | 'lease-shorter-than-work';

export default createCodeRule({
  meta: {
    id: 'lock-without-fencing',
    kind: 'code',
    severity: 'Important',
    precision: 'High',
    systemTag: false,
    checklist: ['D4', 'D2'],
    antiPattern: 'distributed locks without fencing',
    failureModes: ['zombie-lock-holder'],
    pattern: 'Lease + Fencing Token',
    description:
      'A distributed lock without a lease, released without checking the holder, guarding writes that carry no fencing token, or shorter than the work it guards.',
    messages: {
      lockWithoutFencing:
        'Distributed lock at {loc}: {variant}. A paused or slow holder can outlive its lock and overwrite newer state. ' +
        'Use a lease (TTL), release only with a compare-and-delete, and pass a fencing token that the protected store checks.',
    },
  },
  create(context) {
    const { model } = context;
    return {
      'Program:exit'() {
        const facts = lockFacts(model);
        const where = (call: CallLike) => `line ${model.line(call)}`;
        const text = (call: CallLike) => `\`${calleeText(model.text, call)}\``;
        const precisionOf = (via: string, base: Precision): Precision => (via === 'binding' ? base : 'Medium');
        const report = (node: TSESTree.Node, variant: Variant, detail: string, loc: string, precision: Precision, related: RelatedLocation[]) =>
          context.report({ node, messageId: 'lockWithoutFencing', data: { loc, variant: detail }, variant, precision, related });

        // Variant 1: the lock never expires, or expires only if a second command gets to run.
        for (const acquire of facts.acquires) {
          if (acquire.lease === 'none') {
            report(acquire.call, 'no-lease', `no lease: ${text(acquire.call)} takes the lock without an expiry (no EX / PX), so a holder that dies keeps it forever`,
              where(acquire.call), precisionOf(acquire.via, 'High'), []);
          } else if (acquire.lease === 'pooled') {
            report(acquire.call, 'no-lease',
              `no lease: the session-level advisory lock is taken through a connection pool, so it stays on whichever pooled connection ran it, with no expiry`,
              where(acquire.call), precisionOf(acquire.via, 'High'), []);
          } else if (acquire.lease === 'separate' && acquire.expire) {
            report(acquire.call, 'non-atomic-lease',
              `non-atomic lease: the expiry is set by a separate ${text(acquire.expire)} (line ${model.line(acquire.expire)}); a crash in between leaves a lock that never expires`,
              where(acquire.call), precisionOf(acquire.via, 'High'), [{ path: context.path, line: model.line(acquire.expire), note: 'separate expiry' }]);
          }
        }

        // Variant 2: a release that does not check who holds the lock.
        for (const release of facts.releases) {
          if (release.safe) continue;
          const acquire = acquireFor(model, release, facts.acquires);
          report(release.call, 'unsafe-release',
            `unsafe release: ${text(release.call)} ${release.reason ?? 'does not check the holder'}, so a holder whose lease expired can free the next holder's lock`,
            where(acquire?.call ?? release.call), precisionOf(release.via, 'High'),
            acquire ? [{ path: context.path, line: model.line(acquire.call), note: 'lock acquired' }] : []);
        }

        // Variants 3 and 4 look at what runs while the lock is held, including through local helpers.
        const acquires: LockAcquire[] = [...facts.acquires];
        for (const call of model.calls) {
          const helper = helperAcquireOf(model, call);
          if (helper && !facts.acquires.some((a) => a.call === call)) acquires.push(helper);
        }
        const fences = fenceNames(model);
        const reportedWrites = new Set<CallLike>();
        for (const acquire of acquires) {
          const section = criticalSection(model, acquire);
          const unfenced = protectedWrites(model, acquire, section).filter((w) => !isFenced(model, w.call, fences) && !reportedWrites.has(w.call));
          const first = unfenced[0];
          if (first) {
            for (const w of unfenced) reportedWrites.add(w.call);
            report(first.call, 'no-fencing-token',
              `no fencing token: ${text(first.call)} writes under the lock without a fencing token or a version check` +
              (unfenced.length > 1 ? ` (and ${unfenced.length - 1} more write${unfenced.length > 2 ? 's' : ''})` : ''),
              where(acquire.call), 'Medium', [
                { path: context.path, line: model.line(acquire.call), note: acquire.kind === 'helper' ? 'lock acquired in a helper' : 'lock acquired' },
                ...unfenced.slice(1).map((w) => ({ path: context.path, line: model.line(w.call), note: 'unfenced write' })),
              ]);
          }
          if (acquire.ttlMs === null || extendsLease(model, acquire)) continue;
          const longest = longestAwaitedTimeout(model, section);
          if (longest && longest.ms > acquire.ttlMs) {
            report(acquire.call, 'lease-shorter-than-work',
              `lease shorter than the work: the ${acquire.ttlMs} ms lease is shorter than the ${longest.ms} ms timeout of ${text(longest.call)} (line ${model.line(longest.call)}) and is never extended`,
              where(acquire.call), precisionOf(acquire.via, 'High'), [{ path: context.path, line: model.line(longest.call), note: 'longer awaited call' }]);
          }
        }
      },
    };
  },
});

function acquireFor(model: CodeModel, release: LockRelease, acquires: LockAcquire[]): LockAcquire | null {
  if (release.key) return acquires.find((a) => a.key && sameKey(model, a.key, release.key!)) ?? null;
  const region = model.regionOf(release.call);
  return acquires.find((a) => model.regionOf(a.call) === region && a.call.range[1] <= release.call.range[0]) ?? null;
}
