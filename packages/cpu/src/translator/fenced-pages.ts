/**
 * What a page-scoped SFENCE.VMA (`sfence.vma va, …`) can make stale in the translator core, so
 * that a fence of a page holding no translated code costs the entries of that page only — not
 * the whole fetch context (jump cache, chaining links, software TLBs). An OS fences one page
 * after every PTE it changes (a page fault served, a page protected): those are data pages.
 *
 * Privileged spec 1.12 §4.2.1: a fence with rs1 ≠ x0 orders the accesses to the leaf PTE that
 * translates that address — for a 4 MiB superpage, the whole superpage. So entries made from a
 * superpage are dropped for the whole 4 MiB region the fenced address is in.
 *
 * @module
 */

/** Virtual page numbers: 2^20 of 4 KiB. */
const PAGES = 1 << 20;
/** 4 MiB regions (superpages): 2^10. */
const REGIONS = 1 << 10;

/**
 * The virtual pages translated blocks were made from (any context), and the 4 MiB regions where
 * code or TLB-entered data came from a superpage. Marks only grow until {@link clear}; a mark
 * that no longer holds costs a context change on the next fence of that page, never a stale
 * entry.
 */
export class FencedPages {
  /** One bit per virtual page that holds (part of) a translated block. */
  private readonly code = new Uint32Array(PAGES >>> 5);
  /** 4 MiB regions a translated block was fetched through a superpage in. */
  private readonly codeRegions = new Uint8Array(REGIONS);
  /** 4 MiB regions a software-TLB entry was filled from a superpage in. */
  private readonly dataRegions = new Uint8Array(REGIONS);

  /** Notes a translated block's page (`superpage`: fetched through a 4 MiB leaf). */
  markCode(vaddr: number, superpage: boolean): void {
    const page = vaddr >>> 12;
    this.code[page >>> 5] = (this.code[page >>> 5] as number) | (1 << (page & 31));
    if (superpage) this.codeRegions[vaddr >>> 22] = 1;
  }

  /** Notes a software-TLB entry filled from a superpage. */
  markSuperpageData(vaddr: number): void {
    this.dataRegions[vaddr >>> 22] = 1;
  }

  /** Whether a fence of virtual page `page` may change the meaning of translated code. */
  touchesCode(page: number): boolean {
    return (
      ((this.code[page >>> 5] as number) & (1 << (page & 31))) !== 0 ||
      this.codeRegions[page >>> 10] === 1
    );
  }

  /**
   * Empties the software TLB `tags` (direct-mapped by page number, a power of two long; tags
   * are `salt | page`, every salt) of the entries a fence of virtual page `page` makes stale:
   * that page's — one slot — and the whole region's when superpage data was entered there.
   */
  dropData(tags: Int32Array, page: number): void {
    const region = page >>> 10;
    if (this.dataRegions[region] === 0) {
      const e = page & (tags.length - 1);
      if (((tags[e] as number) & (PAGES - 1)) === page) tags[e] = -1;
      return;
    }
    for (let e = 0; e < tags.length; e++)
      if (((tags[e] as number) & (PAGES - 1)) >>> 10 === region) tags[e] = -1;
  }

  /** Forgets the code marks (the translation cache was emptied). */
  clearCode(): void {
    this.code.fill(0);
    this.codeRegions.fill(0);
  }

  /** Forgets every mark (the translation cache and the software TLBs were emptied). */
  clear(): void {
    this.clearCode();
    this.dataRegions.fill(0);
  }
}
