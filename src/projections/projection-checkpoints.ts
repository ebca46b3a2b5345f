import type { GlobalPosition } from '../infrastructure/event-store/event-store';
import type { ReadStore, StoredDocument } from '../infrastructure/read-store/read-store';

export const CHECKPOINTS_COLLECTION = 'projection_checkpoints';

/** One per runner. The position is a decimal string, since bigint is not JSON. */
interface CheckpointDocument extends StoredDocument {
  position: string;
  /** The projections fed up to `position`; one missing from the list has not seen those events. */
  projections: string[];
}

export interface Checkpoint {
  position: GlobalPosition;
  projections: string[];
}

export class ProjectionCheckpoints {
  constructor(
    private readonly readStore: ReadStore,
    private readonly runnerName: string,
  ) {}

  async load(): Promise<Checkpoint | undefined> {
    const doc = await this.collection().findOne({ _id: this.runnerName });
    return doc === null ? undefined : { position: BigInt(doc.position), projections: doc.projections };
  }

  async save(checkpoint: Checkpoint): Promise<void> {
    const doc: CheckpointDocument = {
      _id: this.runnerName,
      position: checkpoint.position.toString(),
      projections: checkpoint.projections,
    };
    await this.collection().replaceOne({ _id: this.runnerName }, doc, { upsert: true });
  }

  async clear(): Promise<void> {
    await this.collection().deleteOne({ _id: this.runnerName });
  }

  private collection() {
    return this.readStore.collection<CheckpointDocument>(CHECKPOINTS_COLLECTION);
  }
}
