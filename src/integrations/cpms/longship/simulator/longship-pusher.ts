import { randomUUID } from 'node:crypto';
import { LONGSHIP_WEBHOOK_SECRET_HEADER, type CloudEvent } from '../longship-api';

export interface PushRecord {
  event: CloudEvent;
  /** The receiver's HTTP status, or `error` when it could not be reached. */
  answer: number | 'error';
}

/** Longship's webhook pushes: one CloudEvent per POST, never retried (as in the field). */
export class LongshipPusher {
  private held: CloudEvent[] | undefined;
  private readonly delivered: PushRecord[] = [];
  /** Pushes go one after the other, in the order emitted (hold and release to reorder them). */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly webhook: { url: string; secret: string } | undefined) {}

  push(type: string, data: Record<string, unknown>, time: string): void {
    if (!this.webhook) return;
    const event: CloudEvent = {
      specversion: '1.0',
      id: randomUUID(),
      source: 'https://api.longship.io/v1',
      type,
      time,
      subject: String(data.chargePointId ?? ''),
      datacontenttype: 'application/json',
      data,
    };
    if (this.held) this.held.push(event);
    else this.queue = this.queue.then(() => this.send(event));
  }

  hold(): void {
    this.held ??= [];
  }

  async release(order: 'as_emitted' | 'reversed'): Promise<void> {
    const events = this.held ?? [];
    this.held = undefined;
    for (const event of order === 'reversed' ? [...events].reverse() : events) await this.send(event);
  }

  records(): PushRecord[] {
    return [...this.delivered];
  }

  settled(): Promise<void> {
    return this.queue;
  }

  private async send(event: CloudEvent): Promise<void> {
    const webhook = this.webhook!;
    try {
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/cloudevents+json',
          [LONGSHIP_WEBHOOK_SECRET_HEADER]: webhook.secret,
        },
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(5000),
      });
      await response.arrayBuffer();
      this.delivered.push({ event, answer: response.status });
    } catch {
      this.delivered.push({ event, answer: 'error' });
    }
  }
}
