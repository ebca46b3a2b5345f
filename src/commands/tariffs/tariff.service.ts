import { notFound, invalid } from '../../domain/shared/domain-error';
import type { TariffCommand } from '../../domain/tariff/tariff.commands';
import { tariffDecider } from '../../domain/tariff/tariff.decider';
import { tariffEventCodec } from '../../domain/tariff/tariff.events';
import { tariffDefinitionSchema, type TariffDefinition } from '../../domain/tariff/tariff.model';
import type { TariffState } from '../../domain/tariff/tariff.state';
import type { Clock } from '../../infrastructure/clock';
import type { EventStore } from '../../infrastructure/event-store/event-store';
import { deterministicId } from '../../infrastructure/ids';
import type { AccessScope } from '../access-scope';
import type { CommandContext } from '../command-context';
import type { TariffDocument } from '../../projections/tariffs/tariff.document';
import { evolveTariffDocument } from '../../projections/tariffs/tariff.projection';
import { commandHandlerFor, type CommandResult } from '../command-handler';

export interface TariffServiceDeps {
  eventStore: EventStore;
  clock: Clock;
}

/**
 * Tariff ids are the merchant's own, OCPI CiString(36): case-insensitive, so `TD-CaseTest` and `td-casetest`
 * name one tariff. The stream is unique per merchant and case-folded id; the id keeps the caller's casing.
 */
export const tariffDocumentId = (merchantId: string, tariffId: string): string =>
  deterministicId('trf', merchantId, tariffId.toLowerCase());
export const tariffStreamName = (merchantId: string, tariffId: string): string =>
  `tariff-${tariffDocumentId(merchantId, tariffId)}`;

/** Keyed by the tariff's document id, which names the merchant and the merchant's tariff id at once. */
export const tariffAggregate = {
  decider: tariffDecider,
  codec: tariffEventCodec,
  streamName: (documentId: string) => `tariff-${documentId}`,
  view: evolveTariffDocument,
};

/** The OpenAPI contract checks the shape; this checks what it cannot (decimals, min below max). */
export const parseTariffDefinition = (body: unknown): TariffDefinition => {
  const parsed = tariffDefinitionSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const param = issue?.path.map(String).join('.') || undefined;
  throw invalid('invalid_tariff', `${param ?? 'tariff'}: ${issue?.message ?? 'is invalid'}`, param);
};

export const tariffService = (deps: TariffServiceDeps) => {
  const now = () => deps.clock.now().toISOString();
  const handler = commandHandlerFor(deps.eventStore, tariffAggregate);
  const run = (
    scope: AccessScope,
    tariffId: string,
    command: TariffCommand,
    context: CommandContext,
    expectedVersion?: number,
  ): Promise<CommandResult<TariffState, TariffDocument>> =>
    handler.handle(
      tariffDocumentId(scope.merchantId, tariffId),
      command,
      context,
      expectedVersion === undefined ? {} : { expectedVersion },
    );

  return {
    upsert: (
      tariffId: string,
      body: unknown,
      scope: AccessScope,
      context: CommandContext,
      expectedVersion?: number,
    ) =>
      run(
        scope,
        tariffId,
        {
          type: 'UpsertTariff',
          now: now(),
          tariffId,
          merchantId: scope.merchantId,
          definition: parseTariffDefinition(body),
        },
        context,
        expectedVersion,
      ),

    delete: (tariffId: string, scope: AccessScope, context: CommandContext, expectedVersion?: number) =>
      run(scope, tariffId, { type: 'DeleteTariff', now: now() }, context, expectedVersion),

    /** The tariff in force for this merchant, from its stream (never a lagging read model). */
    async load(merchantId: string, tariffId: string): Promise<Extract<TariffState, { status: 'active' }>> {
      const { state } = await handler.load(tariffDocumentId(merchantId, tariffId));
      if (state.status !== 'active') throw notFound('tariff_not_found', `no tariff ${tariffId}`);
      return state;
    },
  };
};

export type TariffService = ReturnType<typeof tariffService>;
