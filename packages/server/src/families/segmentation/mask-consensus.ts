/**
 * Consensus for masks (docs/work-queue.md): agreement of two masks is the mean IoU over the labels
 * either one uses (instances of a label pooled, so two labelers who split a crowd differently
 * still agree on where the people are); the merged mask takes, per pixel, the label most attempts
 * gave it (ties go to the more central attempt), and instance identities from the most central
 * attempt, with other attempts' instances matched to its instances by overlap.
 */

/** A decoded mask: row-major indexes, and the label (and instance flag) of each index. */
export interface ConsensusMask {
  width: number;
  height: number;
  values: Uint16Array;
  indexes: ReadonlyArray<{ index: number; label: string; instance: boolean; color: string }>;
}

/** Per index, the position of its label in `labels` + 1 (0 for unlabeled or unknown). */
function classTable(mask: ConsensusMask, labels: readonly string[]): Uint16Array {
  const max = mask.indexes.reduce((largest, entry) => Math.max(largest, entry.index), 0);
  const table = new Uint16Array(max + 1);
  for (const entry of mask.indexes) table[entry.index] = labels.indexOf(entry.label) + 1;
  return table;
}

/** Mean per-label IoU of two masks of the same task, 0..1 (1 when neither labels anything). */
export function maskAgreement(a: ConsensusMask, b: ConsensusMask, labels: readonly string[]): number {
  if (a.width !== b.width || a.height !== b.height) return 0;
  const classA = classTable(a, labels);
  const classB = classTable(b, labels);
  const count = labels.length + 1;
  const inter = new Float64Array(count);
  const areaA = new Float64Array(count);
  const areaB = new Float64Array(count);
  for (let offset = 0; offset < a.values.length; offset++) {
    const ca = classA[a.values[offset]] ?? 0;
    const cb = classB[b.values[offset]] ?? 0;
    areaA[ca]++;
    areaB[cb]++;
    if (ca === cb) inter[ca]++;
  }
  let sum = 0;
  let used = 0;
  for (let label = 1; label < count; label++) {
    const union = areaA[label] + areaB[label] - inter[label];
    if (union === 0) continue;
    sum += inter[label] / union;
    used++;
  }
  return used === 0 ? 1 : sum / used;
}

/**
 * The per-pixel majority mask of a consensus round. `order` lists the masks most central first.
 * Returns the merged raster with its indexes numbered as task-types §3.4 wants (leaf order,
 * instances consecutive); colours come from the attempt each index came from.
 */
export function mergeMasks(
  masks: readonly ConsensusMask[],
  order: readonly number[],
  labels: ReadonlyArray<{ value: string; instance: boolean }>,
): ConsensusMask {
  const reference = masks[order[0]];
  const { width, height } = reference;
  const names = labels.map((label) => label.value);
  const classes = masks.map((mask) => classTable(mask, names));
  const sameSize = order.filter((position) => masks[position].width === width && masks[position].height === height);

  // Match every other attempt's instances to the reference's instances of the same label by overlap.
  const instanceOf = new Map<string, number>(); // `${attempt}:${index}` → reference index (or a new key)
  const extraInstances: Array<{ attempt: number; index: number }> = [];
  for (const position of sameSize.slice(1)) {
    const mask = masks[position];
    const overlap = new Map<number, Map<number, number>>();
    for (let offset = 0; offset < mask.values.length; offset++) {
      const mine = mask.values[offset];
      const theirs = reference.values[offset];
      if (mine === 0 || theirs === 0) continue;
      let row = overlap.get(mine);
      if (!row) overlap.set(mine, (row = new Map()));
      row.set(theirs, (row.get(theirs) ?? 0) + 1);
    }
    for (const entry of mask.indexes.filter((candidate) => candidate.instance)) {
      let best = -1;
      let bestCount = 0;
      for (const [theirs, count] of overlap.get(entry.index) ?? []) {
        const target = reference.indexes.find((candidate) => candidate.index === theirs);
        if (target?.label === entry.label && count > bestCount) {
          best = theirs;
          bestCount = count;
        }
      }
      if (best >= 0) instanceOf.set(`${position}:${entry.index}`, best);
      else extraInstances.push({ attempt: position, index: entry.index });
    }
  }

  // Output indexes: leaf order; an instance label's reference instances first, then unmatched ones.
  const merged: Array<{ index: number; label: string; instance: boolean; color: string }> = [];
  const outputOfReference = new Map<number, number>();
  const outputOfExtra = new Map<string, number>();
  const outputOfClass = new Map<number, number>();
  labels.forEach((label, position) => {
    if (!label.instance) {
      const source = masks.map((mask) => mask.indexes.find((entry) => entry.label === label.value)).find((entry) => entry);
      const index = merged.length + 1;
      merged.push({ index, label: label.value, instance: false, color: source?.color ?? '#808080' });
      outputOfClass.set(position + 1, index);
      return;
    }
    for (const entry of reference.indexes.filter((candidate) => candidate.label === label.value)) {
      outputOfReference.set(entry.index, merged.length + 1);
      merged.push({ index: merged.length + 1, label: label.value, instance: true, color: entry.color });
    }
    for (const extra of extraInstances) {
      const entry = masks[extra.attempt].indexes.find((candidate) => candidate.index === extra.index)!;
      if (entry.label !== label.value) continue;
      outputOfExtra.set(`${extra.attempt}:${extra.index}`, merged.length + 1);
      merged.push({ index: merged.length + 1, label: label.value, instance: true, color: entry.color });
    }
  });

  const values = new Uint16Array(width * height);
  const votes = new Uint16Array(labels.length + 1);
  for (let offset = 0; offset < values.length; offset++) {
    votes.fill(0);
    let winner = 0;
    let winnerVotes = 0;
    for (const position of sameSize) {
      const cls = classes[position][masks[position].values[offset]] ?? 0;
      // Strictly more votes to overtake, so ties stay with the more central attempt.
      if (++votes[cls] > winnerVotes) {
        winner = cls;
        winnerVotes = votes[cls];
      }
    }
    if (winner === 0) continue;
    const label = labels[winner - 1];
    if (!label.instance) {
      values[offset] = outputOfClass.get(winner)!;
      continue;
    }
    for (const position of sameSize) {
      const index = masks[position].values[offset];
      if ((classes[position][index] ?? 0) !== winner) continue;
      const output =
        position === order[0] ? outputOfReference.get(index) : (outputOfReference.get(instanceOf.get(`${position}:${index}`) ?? -1) ?? outputOfExtra.get(`${position}:${index}`));
      if (output !== undefined) {
        values[offset] = output;
        break;
      }
    }
  }
  return { width, height, values, indexes: merged };
}
