import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ByteBudget } from '../../src/http/byte-budget.js';

const settled = async <T>(promise: Promise<T>) => {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('the byte budget of batch bodies in flight', () => {
  it('lets shares in while they fit, holds the rest in arrival order, and frees on give-back', async () => {
    const budget = new ByteBudget(100);
    const a = await budget.take(60);
    const b = await budget.take(40);
    const c = budget.take(50);
    const d = budget.take(10); // would fit after c only: arrival order, no overtaking
    assert.equal(await settled(c), false);
    assert.equal(await settled(d), false);
    a();
    assert.equal(await settled(c), true);
    assert.equal(await settled(d), true);
    b();
    (await c)();
    (await d)();
    // Everything given back: the whole budget is free again.
    const all = budget.take(100);
    assert.equal(await settled(all), true);
  });

  it('gives back once, however often called, and cuts an oversized share to the budget', async () => {
    const budget = new ByteBudget(100);
    const big = await budget.take(10_000); // a body without a length, say
    const next = budget.take(1);
    assert.equal(await settled(next), false);
    big();
    big();
    const release = await next;
    const third = budget.take(99);
    assert.equal(await settled(third), true, 'a second give-back must not free bytes it does not hold');
    const fourth = budget.take(1);
    assert.equal(await settled(fourth), false);
    release();
    assert.equal(await settled(fourth), true);
  });
});
