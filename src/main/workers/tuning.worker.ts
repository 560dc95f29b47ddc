import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/database';
import { activeRuleSet } from '../engine/store';
import { MatchingCache } from '../engine/cache';
import { eligibilityStamp } from '../engine/eligibility-stamp';
import { matchingExclusions } from '../moderation/exclusions';
import { persistShadowRun } from '../tuning/shadow';
import { activeBaseline, type ActiveBaseline, buildWhatIfCache, computeWhatIf } from '../tuning/what-if';
import type { TuningReply, TuningRequest, TuningWorkerData } from '../tuning/protocol';
import { ruleSetJson } from '../engine/store';
import { CancelledError, type ProgressSink } from '../../shared/progress';

/**
 * The what-if cache, off main's loop: builds a MatchingCache for one date once, then answers re-score requests
 * (what-if, shadow run) by message for as long as the session lives. One request at a time — main drops the
 * superseded ones before they get here.
 */
const port = parentPort;
if (!port) throw new Error('tuning.worker must run inside a worker thread');
const data = workerData as TuningWorkerData;
const cancel = new Int32Array(data.cancel);
const db = openDatabase(data.dbPath);
let cache: MatchingCache | null = null;
let baseline: ActiveBaseline | null = null;
let baselineKey = '';
let poolStamp = '';
let importAtBuild = 0;

const post = (reply: TuningReply): void => port.postMessage(reply);

let lastProgress = 0;
const progress: ProgressSink = {
  report(phase, done, total) {
    const now = Date.now();
    if (now - lastProgress < 100 && (total === null || done < total)) return;
    lastProgress = now;
    post({ type: 'progress', phase, done, total });
  },
  throwIfCancelled() {
    if (Atomics.load(cancel, 0) === 1) throw new CancelledError();
  },
};

/**
 * Moderation decisions, completed imports and lapsed restrictions since the pool was read change who may be
 * introduced: the next what-if must already leave a restricted account out, so the pool is re-read (and the
 * active baseline with it) whenever the eligibility stamp moved. Shadow runs build their own pool.
 */
function refreshIfStale(built: MatchingCache): void {
  const now = Math.floor(Date.now() / 1000);
  const stamp = eligibilityStamp(db, now);
  if (stamp.key === poolStamp) return;
  built.refreshPool(db, matchingExclusions(db, now));
  // New data (blocks, earlier introductions, transactions) only a rebuild takes in: the what-if says so.
  built.mirrorUpdated = stamp.importId !== importAtBuild;
  poolStamp = stamp.key;
  baseline = null;
}

/** The active rule set's assignment on the cache, recomputed only when another version became active. */
function currentBaseline(built: MatchingCache): ActiveBaseline {
  const active = activeRuleSet(db);
  const key = `${active.version}:${ruleSetJson(active.ruleSet)}`;
  if (!baseline || key !== baselineKey) {
    baseline = activeBaseline(built, active.version, active.ruleSet);
    baselineKey = key;
  }
  return baseline;
}

async function handle(request: TuningRequest): Promise<void> {
  if (request.type === 'open') {
    const t0 = performance.now();
    cache = null;
    baseline = null;
    // The stamp is read before the build, so anything that lands during it is caught by the next refresh.
    const stamp = eligibilityStamp(db, Math.floor(Date.now() / 1000));
    poolStamp = stamp.key;
    importAtBuild = stamp.importId;
    const { cache: built } = await buildWhatIfCache(db, request.date, data.threads, progress);
    progress.report('baseline', 0, 1);
    currentBaseline(built);
    cache = built;
    post({
      type: 'opened',
      id: request.id,
      poolUsers: built.pool.userIds.length,
      buildMs: Math.round(performance.now() - t0),
    });
    return;
  }
  if (!cache)
    throw Object.assign(new Error('the what-if cache is not built yet: open a date first'), { code: 'CONFLICT' });
  if (request.type === 'whatIf') {
    refreshIfStale(cache);
    post({
      type: 'whatIf',
      id: request.id,
      result: computeWhatIf(cache, request.ruleSet, currentBaseline(cache), request.seq),
    });
    return;
  }
  // A shadow run is what a real run would publish: candidates built afresh for the draft — its pool, rarity weights,
  // blocks and earlier introductions as of now — never the what-if's cache, which only re-scores.
  const now = Math.floor(Date.now() / 1000);
  const shadow = await MatchingCache.build(
    db,
    { date: cache.date, ruleSet: request.ruleSet, excluded: matchingExclusions(db, now), threads: data.threads },
    progress,
  );
  const assignment = shadow.rescore(request.ruleSet);
  const shadowId = persistShadowRun(
    db,
    {
      date: cache.date,
      ruleSet: request.ruleSet,
      activeVersion: activeRuleSet(db).version,
      operator: request.operator,
    },
    shadow.pool.userIds,
    assignment,
  );
  post({ type: 'shadow', id: request.id, shadowId });
}

// Requests are handled strictly one after another: an `await` inside a build must not let a what-if run on a
// half-replaced cache.
let queue: Promise<void> = Promise.resolve();
port.on('message', (request: TuningRequest) => {
  queue = queue.then(() =>
    handle(request).catch((error: unknown) => {
      const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'INTERNAL';
      post({ type: 'error', id: request.id, code, message: error instanceof Error ? error.message : String(error) });
    }),
  );
});
