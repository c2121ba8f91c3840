/* Physical page allocator: a bump pointer over never-used RAM plus a LIFO free list of
 * returned pages (linked through their first word). Both orders are deterministic, so every run
 * hands out the same physical pages. RAM is identity-mapped, so a page's physical address is
 * also its kernel pointer. */
#include "kernel.h"

static uint32_t bump, limit; /* [bump, limit) never handed out yet */
static void *free_list;
static uint32_t nfree;

void mm_init(uint32_t start, uint32_t end) {
  bump = (start + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
  limit = end & ~(PAGE_SIZE - 1);
  nfree = bump < limit ? (limit - bump) / PAGE_SIZE : 0;
}

void *page_alloc(void) {
  void *p;
  if (free_list) {
    p = free_list;
    free_list = *(void **)p;
  } else if (bump < limit) {
    p = (void *)bump;
    bump += PAGE_SIZE;
  } else {
    return NULL;
  }
  nfree--;
  return p;
}

void *page_alloc_zero(void) {
  void *p = page_alloc();
  if (p) memset(p, 0, PAGE_SIZE);
  return p;
}

void page_free(void *page) {
  *(void **)page = free_list;
  free_list = page;
  nfree++;
}

uint32_t mm_free_pages(void) { return nfree; }
