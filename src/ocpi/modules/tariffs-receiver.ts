import type { TariffService } from '../../commands/tariffs/tariff.service';
import { DomainError } from '../../domain/shared/domain-error';
import { tariffFromOcpi, tariffToOcpi, type OcpiTariff } from '../../domain/tariff/ocpi-tariff';
import type { OcpiHandlers, OcpiRequest } from '../http/ocpi-app';
import { invalidParameters, unknownObject } from '../transport/ocpi-errors';
import { assertSameObject, ownerOf, peerContext } from './owner';

/** The tariff engine's merchant that holds an OCPI party's tariffs: the party, not any EdgePay merchant. */
export const ocpiTariffOwner = (countryCode: string, partyId: string) =>
  `ocpi_${countryCode.toUpperCase()}_${partyId.toUpperCase()}`;

/**
 * An OCPI Tariff as a definition of the tariff engine; what the engine refuses is a 2001. The engine's
 * prices exclude VAT (decision 0010); a 2.3.0 tariff whose prices include tax cannot be converted exactly
 * (a price divided by 1.2 is no finite decimal), so it is refused rather than rounded.
 */
export const definitionOf = (tariff: OcpiTariff & { tax_included?: string }) => {
  if (tariff.tax_included === 'YES')
    throw invalidParameters('tariffs with tax included in their prices are not supported');
  try {
    return tariffFromOcpi(tariff).definition;
  } catch (error) {
    throw invalidParameters(
      `the tariff cannot be priced: ${error instanceof Error ? error.message.slice(0, 300) : 'invalid'}`,
    );
  }
};

/** The Tariffs receiver interface: a CPO's tariffs become tariffs of the tariff engine, owned by that party. */
export const tariffsReceiver = (tariffs: TariffService): OcpiHandlers => {
  const target = (request: OcpiRequest) => {
    const owner = ownerOf(request);
    return {
      owner,
      tariffId: String(request.operation.pathParams.tariff_id),
      merchantId: ocpiTariffOwner(owner.countryCode, owner.partyId),
    };
  };
  const loaded = async (merchantId: string, tariffId: string) => {
    try {
      return await tariffs.load(merchantId, tariffId);
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'not_found') return undefined;
      throw error;
    }
  };
  return {
    receiverGetTariff: async (request) => {
      const { owner, tariffId, merchantId } = target(request);
      const tariff = await loaded(merchantId, tariffId);
      if (!tariff) throw unknownObject(`no tariff ${tariffId}`);
      const ocpiTariff = tariffToOcpi(owner, {
        id: tariff.tariffId,
        definition: tariff.definition,
        updatedAt: tariff.updatedAt,
      });
      // 2.3.0 says whether prices include tax; the engine's never do.
      return { data: request.version === '2.3.0' ? { ...ocpiTariff, tax_included: 'NO' } : ocpiTariff };
    },
    receiverPutTariff: async (request) => {
      const { owner, tariffId, merchantId } = target(request);
      const tariff = request.body as OcpiTariff;
      assertSameObject(tariff, { id: tariffId, countryCode: owner.countryCode, partyId: owner.partyId });
      const existed = (await loaded(merchantId, tariffId)) !== undefined;
      await tariffs.upsert(tariffId, definitionOf(tariff), { merchantId }, peerContext(request));
      return { httpStatus: existed ? 200 : 201 };
    },
    receiverDeleteTariff: async (request) => {
      const { tariffId, merchantId } = target(request);
      await tariffs.delete(tariffId, { merchantId }, peerContext(request));
      return {};
    },
  };
};
