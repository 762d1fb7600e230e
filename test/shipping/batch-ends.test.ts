import { BatchEnds } from '../../transports/shipping/BatchEnds';

describe('positions after each record of a batch', () => {
  // Block A at 0 (5 records, ends at 100), taken from its record 3; block B at 100 (4 records, ends at 180), all;
  // block C in the next segment at 0 (6 records), taken up to its record 2 (the batch was full).
  const ends = new BatchEnds();
  ends.add('seg1', 0, 100, 5, 3, 2);
  ends.add('seg1', 100, 180, 4, 0, 4);
  ends.add('seg2', 0, 90, 6, 0, 3);

  it('counts the records taken', () => {
    expect(ends.length).toBe(9);
  });

  it('points into a block after a record inside it, and to the next block after its last record', () => {
    expect([0, 1, 2, 5, 6, 7, 8].map((i) => ends.after(i))).toEqual([
      { segment: 'seg1', offset: 0, skip: 4 },
      { segment: 'seg1', offset: 100, skip: 0 },
      { segment: 'seg1', offset: 100, skip: 1 },
      { segment: 'seg1', offset: 180, skip: 0 },
      { segment: 'seg2', offset: 0, skip: 1 },
      { segment: 'seg2', offset: 0, skip: 2 },
      { segment: 'seg2', offset: 0, skip: 3 },
    ]);
    expect(ends.last()).toEqual({ segment: 'seg2', offset: 0, skip: 3 });
  });

  it('has no position outside the batch', () => {
    expect([-1, 9, 0.5].map((i) => ends.after(i))).toEqual([undefined, undefined, undefined]);
    expect(new BatchEnds().last()).toBeUndefined();
  });

  it('ignores a block nothing was taken from', () => {
    const e = new BatchEnds();
    e.add('s', 0, 10, 2, 2, 0);
    e.add('s', 10, 20, 2, 0, 1);
    expect(e.after(0)).toEqual({ segment: 's', offset: 10, skip: 1 });
  });
});
