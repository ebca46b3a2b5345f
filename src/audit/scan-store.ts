import type { EventStore, GlobalPosition, RecordedEvent } from '../infrastructure/event-store/event-store';

export interface ScanProgress {
  /** Events seen so far. */
  done: number;
  /** Position of the newest event when the scan started; the scan stops there. */
  head: GlobalPosition | undefined;
  position: GlobalPosition | undefined;
}

const PAGE_SIZE = 2_000;

/**
 * Every event in global order up to the head the store had when the scan began, a page at a time, so a
 * million events never sit in memory at once and events appended meanwhile do not make the scan chase.
 */
export async function* scanStore(
  eventStore: EventStore,
  onPage?: (progress: ScanProgress) => void,
): AsyncGenerator<RecordedEvent> {
  const head = await eventStore.headPosition();
  if (head === undefined) return;
  let position: GlobalPosition | undefined;
  let done = 0;
  for (;;) {
    const page = await eventStore.readAll({
      ...(position === undefined ? {} : { fromPosition: position }),
      limit: PAGE_SIZE,
    });
    for (const event of page) {
      if (event.position > head) return;
      yield event;
    }
    done += page.length;
    position = page.at(-1)?.position ?? position;
    onPage?.({ done, head, position });
    if (page.length < PAGE_SIZE || (position !== undefined && position >= head)) return;
  }
}
