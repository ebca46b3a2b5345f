import { counterProjection, type CounterDocument } from './toy-counter.projection';
import { givenProjection, recordedEvent } from '../support/projection-spec';
import type { Projection } from '../../src/projections/projection';

const opened = (counterId: string, label = `counter ${counterId}`) =>
  recordedEvent(`counter-${counterId}`, 'CounterOpened', { counterId, label });
const incremented = (counterId: string, by: number) =>
  recordedEvent(`counter-${counterId}`, 'CounterIncremented', { counterId, by });
const closed = (counterId: string) => recordedEvent(`counter-${counterId}`, 'CounterClosed', { counterId });

describe('projection spec helper, on a toy counter projection', () => {
  const spec = givenProjection(counterProjection);

  it('folds the events of a document, with revisions sequenced per stream', () => {
    spec
      .given([opened('c1'), incremented('c1', 2), opened('c2'), incremented('c1', 3)])
      .then({ _id: 'c1', label: 'counter c1', count: 5, version: 3 });
  });

  it('gives every document the events produced', () => {
    spec.given([opened('c1'), opened('c2', 'second'), incremented('c2', 1)]).thenDocuments([
      { _id: 'c2', label: 'second', count: 1, version: 2 },
      { _id: 'c1', label: 'counter c1', count: 0, version: 1 },
    ]);
  });

  it('deletes the document when evolve returns null', () => {
    spec.given([opened('c1'), incremented('c1', 1), closed('c1')]).thenNoDocument('c1');
  });

  it('passes over event types the projection does not list', () => {
    spec
      .given([opened('c1'), recordedEvent('counter-c1', 'CounterRenamed', { counterId: 'c1', label: 'x' })])
      .then({ _id: 'c1', label: 'counter c1', count: 0, version: 1 });
  });

  it('catches a projection that mutates the document it is given', () => {
    const mutating: Projection<CounterDocument> = {
      ...counterProjection,
      evolve: (doc, event) => {
        if (doc === null) return counterProjection.evolve(doc, event);
        doc.count += 1;
        return doc;
      },
    };
    givenProjection(mutating)
      .given([opened('c1'), incremented('c1', 1)])
      .thenThrows(TypeError);
  });
});
