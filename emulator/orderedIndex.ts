/**
 * An insertion-ordered set of IDs that can read "the k-th live entry" in O(log n) and a page of
 * `size` entries in O(size + log n), with O(1) amortized add and O(log n) delete. ListUsers over
 * 100k users must not sort or copy the whole list per page, and deletions must not shift pages
 * through an O(n) splice.
 *
 * Slots are append-only; a delete leaves a hole, a Fenwick tree over "slot is live" gives ranks.
 * When holes outnumber live entries the slots are compacted (O(n), amortized over the deletes).
 */
export class OrderedIndex {
	private slots: Array<string | undefined> = [];
	private slotOf = new Map<string, number>();
	private tree: Int32Array = new Int32Array(17);

	get size(): number {
		return this.slotOf.size;
	}

	has(id: string): boolean {
		return this.slotOf.has(id);
	}

	add(id: string): void {
		if (this.slotOf.has(id)) return;
		const slot = this.slots.length;
		this.slots.push(id);
		this.slotOf.set(id, slot);
		if (slot + 1 >= this.tree.length) this.rebuild(Math.max(16, this.tree.length * 2));
		else this.bump(slot, 1);
	}

	delete(id: string): boolean {
		const slot = this.slotOf.get(id);
		if (slot === undefined) return false;
		this.slotOf.delete(id);
		this.slots[slot] = undefined;
		this.bump(slot, -1);
		if (this.slots.length > 64 && this.slotOf.size * 2 < this.slots.length) this.compact();
		return true;
	}

	/** Entries [offset, offset + size) in insertion order. */
	page(offset: number, size: number): string[] {
		const out: string[] = [];
		if (offset < 0 || offset >= this.size || size <= 0) return out;
		for (
			let slot = this.slotOfRank(offset);
			slot < this.slots.length && out.length < size;
			slot++
		) {
			const id = this.slots[slot];
			if (id !== undefined) out.push(id);
		}
		return out;
	}

	*values(): IterableIterator<string> {
		for (const id of this.slots) if (id !== undefined) yield id;
	}

	/** Slot holding the live entry of 0-based rank `rank` (binary lifting on the Fenwick tree). */
	private slotOfRank(rank: number): number {
		let pos = 0;
		let remaining = rank + 1;
		let step = 1;
		while (step * 2 < this.tree.length) step *= 2;
		for (; step > 0; step >>= 1) {
			const next = pos + step;
			if (next < this.tree.length && this.tree[next] < remaining) {
				pos = next;
				remaining -= this.tree[next];
			}
		}
		return pos; // Fenwick index pos+1 holds it; slot = pos.
	}

	private bump(slot: number, delta: number): void {
		for (let i = slot + 1; i < this.tree.length; i += i & -i) this.tree[i] += delta;
	}

	private rebuild(capacity: number): void {
		this.tree = new Int32Array(capacity + 1);
		for (let slot = 0; slot < this.slots.length; slot++) {
			if (this.slots[slot] === undefined) continue;
			this.tree[slot + 1] += 1;
		}
		// Linear-time Fenwick build.
		for (let i = 1; i < this.tree.length; i++) {
			const parent = i + (i & -i);
			if (parent < this.tree.length) this.tree[parent] += this.tree[i];
		}
	}

	private compact(): void {
		this.slots = this.slots.filter((id) => id !== undefined);
		this.slots.forEach((id, slot) => this.slotOf.set(id as string, slot));
		this.rebuild(Math.max(16, this.slots.length * 2));
	}
}
