import { z } from 'zod';
import { zodEventCodec, type EventsOf } from '../shared/event-codec';
import { tariffDefinitionSchema } from './tariff.model';

const timestamp = z.iso.datetime();

export const tariffEventSchemas = {
  /** Created or replaced: the whole definition, so a reader never needs the previous version. */
  TariffUpserted: z.object({
    tariffId: z.string(),
    merchantId: z.string(),
    definition: tariffDefinitionSchema,
    updatedAt: timestamp,
  }),
  TariffDeleted: z.object({
    tariffId: z.string(),
    merchantId: z.string(),
    deletedAt: timestamp,
  }),
} as const;

export type TariffEvent = EventsOf<typeof tariffEventSchemas>;
export type TariffEventType = TariffEvent['type'];

export const tariffEventCodec = zodEventCodec(tariffEventSchemas);
