import type { OcpiCdrService } from '../../commands/ocpi/ocpi-cdr.service';
import { ocpiCdrRef } from '../../commands/ocpi/ocpi-cdr.service';
import type { TariffService } from '../../commands/tariffs/tariff.service';
import { priceInMinor, usageOfCdr, type OcpiCdrCosting } from '../../domain/ocpi-cdr/cdr-usage';
import { DomainError } from '../../domain/shared/domain-error';
import type { OcpiTariff } from '../../domain/tariff/ocpi-tariff';
import { priceSession, type SessionCost } from '../../domain/tariff/price-session';
import type { TariffDefinition } from '../../domain/tariff/tariff.model';
import type { OcpiHandlers, OcpiRequest } from '../http/ocpi-app';
import { modulePath } from '../http/ocpi-paths';
import type { OurPlatform } from '../our-platform';
import { invalidParameters, OcpiError, unknownObject } from '../transport/ocpi-errors';
import { peerContext } from './owner';
import { definitionOf, ocpiTariffOwner } from './tariffs-receiver';

type Cdr = OcpiCdrCosting & {
  id: string;
  country_code: string;
  party_id: string;
  session_id?: string;
  authorization_reference?: string;
  tariffs?: OcpiTariff[];
};

export interface CdrsReceiverDeps {
  cdrs: OcpiCdrService;
  tariffs: TariffService;
  us: OurPlatform;
  pricing: { vatRatePercent: number; timeZone: string };
  /** The merchant of a payment intent of ours, or undefined when there is no such intent. */
  merchantOfIntent: (paymentIntentId: string) => Promise<string | undefined>;
}

const notFoundAsUndefined = async <T>(load: () => Promise<T>): Promise<T | undefined> => {
  try {
    return await load();
  } catch (error) {
    if (error instanceof DomainError && error.kind === 'not_found') return undefined;
    throw error;
  }
};

/**
 * The CDRs receiver: the CPO's final word on a session. We price the CDR's charging periods with the
 * tariff it carries (or the one the CPO pushed under its tariff_id) and record both totals; a
 * different total including VAT is an OcpiCdrCostMismatched event, and a webhook to the merchant of the
 * payment intent the CDR names.
 */
export const cdrsReceiver = (deps: CdrsReceiverDeps): OcpiHandlers => {
  const tariffOf = async (cdr: Cdr): Promise<{ id: string; definition: TariffDefinition } | undefined> => {
    const carried = cdr.tariffs?.[0];
    if (carried) {
      try {
        return { id: carried.id, definition: definitionOf(carried) };
      } catch (error) {
        if (error instanceof OcpiError) return undefined;
        throw error;
      }
    }
    const tariffId = cdr.charging_periods.find((period) => period.tariff_id)?.tariff_id;
    if (!tariffId) return undefined;
    const stored = await notFoundAsUndefined(() =>
      deps.tariffs.load(ocpiTariffOwner(cdr.country_code, cdr.party_id), tariffId),
    );
    return stored && { id: stored.tariffId, definition: stored.definition };
  };

  const ourCostOf = (definition: TariffDefinition, cdr: Cdr): SessionCost | undefined => {
    try {
      return priceSession(definition, usageOfCdr(cdr), deps.pricing);
    } catch {
      return undefined;
    }
  };

  return {
    receiverPostCdr: async (request: OcpiRequest) => {
      const cdr = request.body as Cdr;
      const countryCode = cdr.country_code.toUpperCase();
      const partyId = cdr.party_id.toUpperCase();
      const owned = request.caller.party.roles.some(
        (role) => role.countryCode === countryCode && role.partyId === partyId,
      );
      if (!owned)
        throw invalidParameters(`${countryCode}/${partyId} is not a party of this credentials token`);
      const tariff = await tariffOf(cdr);
      const ourCost =
        tariff && tariff.definition.currency === cdr.currency ? ourCostOf(tariff.definition, cdr) : undefined;
      const intentId = cdr.authorization_reference ?? null;
      const merchantId = intentId ? ((await deps.merchantOfIntent(intentId)) ?? null) : null;
      const cdrRef = ocpiCdrRef(countryCode, partyId, cdr.id);
      await deps.cdrs.receive(
        {
          type: 'ReceiveCdr',
          received: {
            cdrRef,
            partyRef: request.caller.party._id,
            countryCode,
            partyId,
            cdrId: cdr.id,
            currency: cdr.currency,
            paymentIntentId: merchantId ? intentId : null,
            merchantId,
            tariffId: tariff?.id ?? null,
            theirCost: priceInMinor(cdr.total_cost, cdr.currency),
            ourCost: ourCost
              ? { exclVat: ourCost.exclVat, vat: ourCost.vat, inclVat: ourCost.inclVat }
              : null,
            cdr: request.body as Record<string, unknown>,
          },
          now: request.now.toISOString(),
        },
        peerContext(request),
      );
      const location = `${deps.us.baseUrl()}${modulePath(request.version, 'receiver', 'cdrs')}/${cdrRef}`;
      return { httpStatus: 201, headers: { Location: location } };
    },
    receiverGetCdr: async (request: OcpiRequest) => {
      const { state } = await deps.cdrs.load(String(request.operation.pathParams.cdr_id));
      if (state.status !== 'received' || state.received.partyRef !== request.caller.party._id) {
        throw unknownObject('no such CDR');
      }
      return { data: state.received.cdr };
    },
  };
};
