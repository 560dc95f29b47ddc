import type { RuleSet } from '../../shared/domain/ruleset';
import type { WhatIfView } from '../../shared/contract/tuning';

/** Messages between main's tuning session and the long-lived tuning worker (src/main/workers/tuning.worker.ts). */
export interface TuningWorkerData {
  dbPath: string;
  /** Int32Array(1): 1 = stop the build in progress (the session is closing or moved to another date). */
  cancel: SharedArrayBuffer;
  /** Candidate threads the build fans out into. */
  threads: number;
}

export type TuningRequest =
  | { type: 'open'; id: number; date: string }
  | { type: 'whatIf'; id: number; seq: number; ruleSet: RuleSet }
  | { type: 'shadow'; id: number; ruleSet: RuleSet; operator: string };

export type TuningReply =
  | { type: 'progress'; phase: string; done: number; total: number | null }
  | { type: 'opened'; id: number; poolUsers: number; buildMs: number }
  | { type: 'whatIf'; id: number; result: WhatIfView }
  | { type: 'shadow'; id: number; shadowId: number }
  | { type: 'error'; id: number; code: string; message: string };
