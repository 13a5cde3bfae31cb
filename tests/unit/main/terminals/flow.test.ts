import { describe, expect, it } from 'vitest';
import { OutputFlow, type Schedule } from '../../../../src-main/terminals/flow';

/** A clock the test advances by hand: timers run only when `tick` says so. */
function manualClock() {
  let now = 0;
  let timers: { at: number; fn: () => void; live: boolean }[] = [];
  const schedule: Schedule = (fn, ms) => {
    const t = { at: now + ms, fn, live: true };
    timers.push(t);
    return () => {
      t.live = false;
    };
  };
  const tick = (ms: number) => {
    now += ms;
    const due = timers.filter((t) => t.live && t.at <= now);
    timers = timers.filter((t) => t.live && t.at > now);
    for (const t of due) t.fn();
  };
  return { schedule, tick, pendingTimers: () => timers.filter((t) => t.live).length };
}

function harness(limits: Partial<{ highWater: number; lowWater: number; batchMs: number; maxBatchBytes: number }> = {}) {
  const clock = manualClock();
  const delivered: Buffer[] = [];
  const events: string[] = [];
  const flow = new OutputFlow(
    {
      deliver: (b) => delivered.push(b),
      pause: () => events.push('pause'),
      resume: () => events.push('resume'),
      schedule: clock.schedule,
    },
    limits,
  );
  return { flow, clock, delivered, events };
}

const bytes = (n: number, fill = 'x') => Buffer.alloc(n, fill);

describe('OutputFlow batching', () => {
  it('gathers chunks within one frame into a single delivery, in order', () => {
    const { flow, clock, delivered } = harness({ batchMs: 16 });
    flow.push(Buffer.from('ab'));
    flow.push(Buffer.from('cd'));
    flow.push(Buffer.from('e'));
    expect(delivered).toHaveLength(0);
    clock.tick(15);
    expect(delivered).toHaveLength(0);
    clock.tick(1);
    expect(delivered.map(String)).toEqual(['abcde']);
    flow.push(Buffer.from('f'));
    clock.tick(16);
    expect(delivered.map(String)).toEqual(['abcde', 'f']);
  });

  it('delivers at once when a batch reaches its size bound', () => {
    const { flow, clock, delivered } = harness({ batchMs: 16, maxBatchBytes: 10 });
    flow.push(bytes(6));
    flow.push(bytes(6));
    expect(delivered.map((b) => b.length)).toEqual([12]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('flush hands over what is gathered (end of stream) and empty flushes deliver nothing', () => {
    const { flow, delivered } = harness();
    flow.flush();
    flow.push(Buffer.from('tail'));
    flow.flush();
    expect(delivered.map(String)).toEqual(['tail']);
  });

  it('batchMs 0 delivers every chunk as it comes', () => {
    const { flow, delivered } = harness({ batchMs: 0 });
    flow.push(Buffer.from('a'));
    flow.push(Buffer.from('b'));
    expect(delivered.map(String)).toEqual(['a', 'b']);
  });
});

describe('OutputFlow back-pressure', () => {
  it('pauses the source once unacked bytes pass the high-water mark, and only once', () => {
    const { flow, events } = harness({ batchMs: 0, highWater: 100, lowWater: 20 });
    flow.push(bytes(60));
    expect(events).toEqual([]);
    flow.push(bytes(60));
    expect(events).toEqual(['pause']);
    expect(flow.paused).toBe(true);
    flow.push(bytes(60)); // in flight when paused: still delivered and counted, no second pause
    expect(events).toEqual(['pause']);
    expect(flow.unacked).toBe(180);
  });

  it('resumes only when acks bring unacked bytes below the low-water mark', () => {
    const { flow, events } = harness({ batchMs: 0, highWater: 100, lowWater: 20 });
    flow.push(bytes(150));
    expect(events).toEqual(['pause']);
    flow.ack(100);
    expect(flow.unacked).toBe(50);
    expect(events).toEqual(['pause']);
    flow.ack(31);
    expect(events).toEqual(['pause', 'resume']);
    expect(flow.paused).toBe(false);
  });

  it('never counts below zero, and ignores nonsense acks', () => {
    const { flow } = harness({ batchMs: 0 });
    flow.push(bytes(10));
    flow.ack(-5);
    flow.ack(Number.NaN);
    expect(flow.unacked).toBe(10);
    flow.ack(1000);
    expect(flow.unacked).toBe(0);
  });

  it('a consumer that acks each delivery as it arrives never pauses the source', () => {
    const { flow, clock, events } = harness({ batchMs: 16, highWater: 1000, lowWater: 100 });
    for (let i = 0; i < 500; i++) {
      flow.push(bytes(300));
      clock.tick(16);
      flow.ack(flow.unacked);
    }
    expect(events).toEqual([]);
  });
});

describe('OutputFlow dispose', () => {
  it('drops pending output and fires nothing afterwards', () => {
    const { flow, clock, delivered, events } = harness({ batchMs: 16, highWater: 10, lowWater: 5 });
    flow.push(bytes(50));
    flow.dispose();
    clock.tick(100);
    flow.push(bytes(50));
    flow.ack(50);
    expect(delivered).toHaveLength(0);
    expect(events).toEqual([]);
  });

  it('refuses a low-water mark above the high-water mark', () => {
    expect(() => harness({ highWater: 10, lowWater: 20 })).toThrow(/lowWater/);
  });
});
