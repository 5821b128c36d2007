/** What the notebook toolbar indicator shows, derived from an injector's state (pure, so it is easy to test). */
import type { IAttachment } from '../model/attachments';

export type VariablePhase = 'pending' | 'resolving' | 'attaching' | 'ready' | 'failed';

/** One attachment as the kernel sees it. */
export interface IVariableState {
  did: string;
  variableName: string;
  phase: VariablePhase;
  /** Whether the last resolution found the data available (null before it). */
  available: boolean | null;
  status: string | null;
  /** Why it failed (or why resolution failed), else null. */
  reason: string | null;
}

export type IndicatorPhase = 'idle' | 'waiting' | 'resolving' | 'attaching' | 'ready' | 'failed';

export interface IIndicatorState {
  phase: IndicatorPhase;
  /** Short text in the toolbar. */
  label: string;
  /** Tooltip: the reason, then one line per variable. */
  tooltip: string;
}

export interface IIndicatorInput {
  attachments: readonly IAttachment[];
  variables: ReadonlyMap<string, IVariableState>;
  hasKernel: boolean;
  restarting: boolean;
  waitingForConfiguration: boolean;
  kernelProblem: string | null;
}

const LABELS: Record<IndicatorPhase, string> = {
  idle: 'Rucio',
  waiting: 'Rucio: Waiting',
  resolving: 'Rucio: Resolving…',
  attaching: 'Rucio: Attaching…',
  ready: 'Rucio: Ready',
  failed: 'Rucio: Failed'
};

const CLICK_HINT = 'Click to attach the DIDs to the kernel again.';

function describeVariable(variable: IVariableState | undefined, attachment: IAttachment): string {
  const head = `${attachment.variableName} ← ${attachment.did}`;
  if (!variable) {
    return `${head}: not attached yet`;
  }
  switch (variable.phase) {
    case 'pending':
      return `${head}: waiting for the kernel`;
    case 'resolving':
      return `${head}: resolving`;
    case 'attaching':
      return `${head}: attaching`;
    case 'failed':
      return `${head}: failed — ${variable.reason ?? 'unknown reason'}`;
    default:
      return variable.available === false
        ? `${head}: not available yet (${variable.status ?? 'NOT_AVAILABLE'}); set when it becomes available`
        : `${head}: ready`;
  }
}

function phaseOf(input: IIndicatorInput): { phase: IndicatorPhase; reason: string | null } {
  if (input.attachments.length === 0) {
    return { phase: 'idle', reason: 'No DID is attached to this notebook.' };
  }
  if (input.kernelProblem) {
    return { phase: 'failed', reason: input.kernelProblem };
  }
  if (!input.hasKernel) {
    return { phase: 'waiting', reason: 'No kernel is running; the DIDs are attached when one starts.' };
  }
  if (input.restarting) {
    return { phase: 'waiting', reason: 'The kernel is restarting; the DIDs are attached again when it is ready.' };
  }
  if (input.waitingForConfiguration) {
    return { phase: 'waiting', reason: 'Waiting for the Rucio configuration to load.' };
  }
  const phases = input.attachments.map(a => input.variables.get(a.did)?.phase ?? 'pending');
  if (phases.includes('resolving')) {
    return { phase: 'resolving', reason: 'Asking the Rucio backend where the data is.' };
  }
  if (phases.includes('attaching')) {
    return {
      phase: 'attaching',
      reason: 'Sent to the kernel; a running cell delays the answer until it finishes.'
    };
  }
  const failed = phases.filter(p => p === 'failed').length;
  if (failed > 0) {
    return { phase: 'failed', reason: `${failed} of ${phases.length} attachment(s) failed.` };
  }
  if (phases.includes('pending')) {
    return { phase: 'waiting', reason: 'Waiting to attach the DIDs to the kernel.' };
  }
  const waiting = input.attachments.filter(a => input.variables.get(a.did)?.available === false).length;
  return {
    phase: 'ready',
    reason:
      waiting > 0
        ? `Every variable is defined; ${waiting} DID(s) are not available yet and are set when they become available.`
        : 'Every attached DID is defined in the kernel.'
  };
}

export function describeIndicator(input: IIndicatorInput): IIndicatorState {
  const { phase, reason } = phaseOf(input);
  const lines = [reason ?? ''];
  for (const attachment of input.attachments) {
    lines.push(describeVariable(input.variables.get(attachment.did), attachment));
  }
  if (phase !== 'idle') {
    lines.push(CLICK_HINT);
  }
  return { phase, label: LABELS[phase], tooltip: lines.filter(Boolean).join('\n') };
}
