/** How urgent an alert is. */
export type AlertSeverity = 'info' | 'warning' | 'critical';

/** An alert raised by a rule, or its resolution. */
export interface Alert {
  /** Stable id of this alert instance: the same for its firing and resolved notifications. */
  id: string;
  /** Name of the rule that raised it (`provider-down`, `budget-daily-80`). */
  rule: string;
  /** How urgent it is. */
  severity: AlertSeverity;
  /** `firing` while the condition holds, `resolved` once it has cleared. */
  state: 'firing' | 'resolved';
  /** What happened, in words an operator can act on. */
  message: string;
  /** Labels such as provider, model or budget scope. */
  labels: Record<string, string>;
  /** The value that crossed the threshold, when there is one. */
  value?: number;
  /** When the state was entered, epoch milliseconds. */
  timestamp: number;
}
