import type { Alert } from '@loom/core';

const EMOJI = {
  critical: ':red_circle:',
  warning: ':warning:',
  info: ':information_source:',
} as const;

/** A Slack incoming-webhook message for an alert (`text` plus one section block with fields). */
export function slackPayload(alert: Alert): Record<string, unknown> {
  const icon = alert.state === 'resolved' ? ':white_check_mark:' : EMOJI[alert.severity];
  const title = `${icon} [${alert.state.toUpperCase()}] ${alert.rule} (${alert.severity})`;
  const labels = Object.entries(alert.labels).map(([name, value]) => `*${name}*: ${value}`);
  return {
    text: `${title}: ${alert.message}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${title}*\n${alert.message}` } },
      ...(labels.length
        ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: labels.join('  ') }] }]
        : []),
    ],
  };
}
