import assert from 'node:assert/strict';
import type { Decider, DomainEvent } from '../../src/domain/shared/decider';
import { DomainError } from '../../src/domain/shared/domain-error';

/**
 * given(events).when(command).then(events) for pure deciders.
 * `thenRefuses(code)` expects a DomainError with that code.
 */
export const deciderSpec =
  <State, Command, Event extends DomainEvent>(decider: Decider<State, Command, Event>) =>
  (given: readonly Event[]) => ({
    when: (command: Command) => {
      const run = () => decider.decide(command, given.reduce(decider.evolve, decider.initialState()));
      return {
        then: (expected: readonly Event[]) => assert.deepStrictEqual(run(), expected),
        thenRefuses: (code: string, kind?: DomainError['kind']) => {
          assert.throws(run, (error: unknown) => {
            assert.ok(error instanceof DomainError, `expected a DomainError, got ${String(error)}`);
            assert.equal(error.code, code);
            if (kind) assert.equal(error.kind, kind);
            return true;
          });
        },
      };
    },
  });
