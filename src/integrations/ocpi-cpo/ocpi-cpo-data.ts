/** What the simulated CPO operates: Locations (EVSEs, connectors) and Tariffs, in OCPI's shape. */
export interface SimulatedConnector {
  id: string;
  standard: string;
  format: string;
  power_type: string;
  max_voltage: number;
  max_amperage: number;
  tariff_ids?: string[];
  last_updated: string;
}

export interface SimulatedEvse {
  uid: string;
  evse_id?: string;
  status: string;
  connectors: SimulatedConnector[];
  last_updated: string;
}

export interface SimulatedLocation {
  country_code: string;
  party_id: string;
  id: string;
  publish: boolean;
  name?: string;
  address: string;
  city: string;
  country: string;
  coordinates: { latitude: string; longitude: string };
  time_zone: string;
  evses: SimulatedEvse[];
  last_updated: string;
}

export interface SimulatedTariff {
  country_code: string;
  party_id: string;
  id: string;
  currency: string;
  /** OCPI 2.3.0: whether prices include tax; ours never do (2.2.1 readers ignore the field). */
  tax_included: 'NO';
  preauthorize_amount?: number;
  elements: { price_components: { type: string; price: number; vat?: number; step_size: number }[] }[];
  last_updated: string;
}

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 8, minute)).toISOString();

export const simulatedLocations = (countryCode: string, partyId: string): SimulatedLocation[] =>
  ['LOC-IST-1', 'LOC-IST-2', 'LOC-ANK-1'].map((id, index) => ({
    country_code: countryCode,
    party_id: partyId,
    id,
    publish: true,
    name: `Simulated ${id}`,
    address: `Istiklal Caddesi ${index + 1}`,
    city: index < 2 ? 'Istanbul' : 'Ankara',
    country: 'TUR',
    coordinates: { latitude: '41.036944', longitude: '28.985833' },
    time_zone: 'Europe/Istanbul',
    evses: [1, 2].map((number) => ({
      uid: `${id}-EVSE-${number}`,
      evse_id: `TR*${partyId}*E${index}${number}`,
      status: 'AVAILABLE',
      connectors: [
        {
          id: '1',
          standard: 'IEC_62196_T2_COMBO',
          format: 'CABLE',
          power_type: 'DC',
          max_voltage: 400,
          max_amperage: 125,
          tariff_ids: ['TRF-DC'],
          last_updated: at(index),
        },
      ],
      last_updated: at(index),
    })),
    last_updated: at(index),
  }));

export const simulatedTariffs = (countryCode: string, partyId: string): SimulatedTariff[] => [
  {
    country_code: countryCode,
    party_id: partyId,
    id: 'TRF-DC',
    currency: 'TRY',
    tax_included: 'NO',
    preauthorize_amount: 500,
    elements: [{ price_components: [{ type: 'ENERGY', price: 9.5, vat: 20, step_size: 1 }] }],
    last_updated: at(0),
  },
  {
    country_code: countryCode,
    party_id: partyId,
    id: 'TRF-AC',
    currency: 'TRY',
    tax_included: 'NO',
    preauthorize_amount: 300,
    elements: [
      { price_components: [{ type: 'FLAT', price: 5, vat: 20, step_size: 1 }] },
      { price_components: [{ type: 'ENERGY', price: 6.25, vat: 20, step_size: 1 }] },
    ],
    last_updated: at(1),
  },
  {
    country_code: countryCode,
    party_id: partyId,
    id: 'TRF-PARK',
    currency: 'TRY',
    tax_included: 'NO',
    elements: [{ price_components: [{ type: 'PARKING_TIME', price: 30, vat: 20, step_size: 300 }] }],
    last_updated: at(2),
  },
];

/** A CDR of one charge at a simulated EVSE, priced by the CPO as it states (its own arithmetic). */
export const simulatedCdr = (input: {
  countryCode: string;
  partyId: string;
  id: string;
  location: SimulatedLocation;
  tariffId: string;
  startAt: Date;
  minutes: number;
  kwh: number;
  totalCost: { excl_vat: number; incl_vat: number };
  authorizationReference?: string;
  /** 2.3.0 writes prices as before_taxes and taxes. */
  version?: '2.2.1' | '2.3.0';
}) => {
  const evse = input.location.evses[0] as SimulatedEvse;
  const connector = evse.connectors[0] as SimulatedConnector;
  const end = new Date(input.startAt.getTime() + input.minutes * 60_000);
  return {
    country_code: input.countryCode,
    party_id: input.partyId,
    id: input.id,
    start_date_time: input.startAt.toISOString(),
    end_date_time: end.toISOString(),
    session_id: `SES-${input.id}`,
    cdr_token: {
      country_code: 'TR',
      party_id: 'EDG',
      uid: 'PTP-TERMINAL',
      type: 'AD_HOC_USER',
      contract_id: 'PTP',
    },
    auth_method: 'COMMAND',
    ...(input.authorizationReference ? { authorization_reference: input.authorizationReference } : {}),
    cdr_location: {
      id: input.location.id,
      address: input.location.address,
      city: input.location.city,
      country: input.location.country,
      coordinates: input.location.coordinates,
      evse_uid: evse.uid,
      evse_id: evse.evse_id ?? evse.uid,
      connector_id: connector.id,
      connector_standard: connector.standard,
      connector_format: connector.format,
      connector_power_type: connector.power_type,
    },
    currency: 'TRY',
    charging_periods: [
      {
        start_date_time: input.startAt.toISOString(),
        dimensions: [
          { type: 'ENERGY', volume: input.kwh },
          { type: 'TIME', volume: input.minutes / 60 },
        ],
        tariff_id: input.tariffId,
      },
    ],
    total_cost:
      input.version === '2.2.1'
        ? input.totalCost
        : {
            before_taxes: input.totalCost.excl_vat,
            taxes: [
              {
                name: 'KDV',
                amount: Math.round((input.totalCost.incl_vat - input.totalCost.excl_vat) * 100) / 100,
              },
            ],
          },
    total_energy: input.kwh,
    total_time: input.minutes / 60,
    last_updated: end.toISOString(),
  };
};
