/* Address spaces (Sv32, two-level page tables).
 *
 * Every process has its own root page table. The kernel part of every root is identical
 * (arch_kernel_map: natively the supervisor-only global megapages of all of RAM, identity-mapped
 * RWX, and of the PLIC and the UART; paravirtualized, links to the hypervisor's tables). User
 * pages are 4 KiB leaves under the root's other non-leaf entries below 0x80000000. Page-table
 * entries are only ever written through the arch layer: arch_set_pte() for links and new
 * tables, arch_set_leaf() for leaves (with the sfence.vma a change to the active address space
 * needs), and a page becomes a table, or stops being one, through arch_pgtable_new/free().
 *
 * A and D are set in every leaf we create (D only if writable), so nothing depends on whether
 * the hardware updates them. */
#include "kernel.h"

#define USER_L1_ENTRIES (USER_TOP >> 22) /* root entries 0..511 may hold user tables */

static pte_t kernel_entries[1024]; /* template for the kernel part of every root */
static uint32_t kernel_root;       /* a root with only the kernel part (used between processes) */
static uint32_t active_root;

static pte_t *root_ptr(uint32_t root) { return (pte_t *)root; }

void vm_init(uint32_t ram_base, uint32_t ram_end) {
  arch_kernel_map(kernel_entries, ram_base, ram_end);
  kernel_root = vm_create();
  if (!kernel_root) panic("no memory for the kernel page table");
  vm_activate(kernel_root);
}

uint32_t vm_kernel_root(void) { return kernel_root; }

uint32_t vm_create(void) {
  pte_t *root = page_alloc_zero();
  if (!root) return 0;
  for (int i = 0; i < 1024; i++)
    if (kernel_entries[i]) arch_set_pte(&root[i], kernel_entries[i]);
  arch_pgtable_new(root, 1);
  return (uint32_t)root;
}

void vm_activate(uint32_t root) {
  active_root = root;
  arch_activate_pgdir(root);
}

/* The level-0 PTE slot for va, allocating the level-0 table if asked. NULL if there is no table
 * (or va lies in a kernel megapage, or memory ran out). */
static pte_t *walk(uint32_t root, uint32_t va, int alloc) {
  if (kernel_entries[VPN1(va)]) return NULL; /* the kernel's part: never a user table */
  pte_t *l1 = &root_ptr(root)[VPN1(va)];
  if (!(*l1 & PTE_V)) {
    if (!alloc) return NULL;
    /* A fresh zeroed page is not a page table until the entry below links it in. */
    void *table = page_alloc_zero();
    if (!table) return NULL;
    arch_pgtable_new(table, 0);
    arch_set_pte(l1, PTE_FROM_PA(table) | PTE_V); /* non-leaf: R=W=X=0, U/A/D must be 0 */
  }
  return &((pte_t *)PTE_TO_PA(*l1))[VPN0(va)];
}

static void set_leaf(uint32_t root, pte_t *pte, uint32_t va, pte_t value) {
  arch_set_leaf(pte, value, va, root == active_root);
}

int vm_map(uint32_t root, uint32_t va, uint32_t pa, uint32_t flags) {
  pte_t *pte = walk(root, va, 1);
  if (!pte) return -1;
  pte_t v = PTE_FROM_PA(pa) | flags | PTE_V | PTE_A | ((flags & PTE_W) ? PTE_D : 0);
  set_leaf(root, pte, va, v);
  return 0;
}

void vm_destroy(uint32_t root) {
  if (root == active_root) vm_activate(kernel_root);
  pte_t *l1 = root_ptr(root);
  arch_pgtable_free(l1, 1); /* its entries stay readable; its leaf tables are unlinked */
  for (uint32_t i = 0; i < USER_L1_ENTRIES; i++) {
    if (!(l1[i] & PTE_V) || kernel_entries[i]) continue;
    pte_t *l0 = (pte_t *)PTE_TO_PA(l1[i]);
    for (int j = 0; j < 1024; j++)
      if (l0[j] & PTE_V) page_free((void *)PTE_TO_PA(l0[j]));
    arch_pgtable_free(l0, 0);
    page_free(l0);
  }
  page_free(l1);
}

int vm_copy(uint32_t dst_root, uint32_t src_root) {
  pte_t *l1 = root_ptr(src_root);
  int result = 0;
  arch_mmu_lazy(1); /* the child's leaves are written, never read back, until the end */
  for (uint32_t i = 0; i < USER_L1_ENTRIES && result == 0; i++) {
    if (!(l1[i] & PTE_V) || kernel_entries[i]) continue;
    pte_t *l0 = (pte_t *)PTE_TO_PA(l1[i]);
    for (uint32_t j = 0; j < 1024; j++) {
      if (!(l0[j] & PTE_V)) continue;
      void *page = page_alloc();
      if (!page) {
        result = -1;
        break;
      }
      memcpy(page, (void *)PTE_TO_PA(l0[j]), PAGE_SIZE);
      uint32_t va = (i << 22) | (j << 12);
      if (vm_map(dst_root, va, (uint32_t)page, l0[j] & (PTE_LEAF_MASK | PTE_U)) < 0) {
        page_free(page);
        result = -1;
        break;
      }
    }
  }
  arch_mmu_lazy(0);
  return result;
}

void vm_unmap_range(uint32_t root, uint32_t start, uint32_t end) {
  for (uint32_t va = start; va < end; va += PAGE_SIZE) {
    pte_t *pte = walk(root, va, 0);
    if (!pte || !(*pte & PTE_V)) continue;
    page_free((void *)PTE_TO_PA(*pte));
    set_leaf(root, pte, va, 0);
  }
}

/* A user page fault: materialise a demand-zero page if va lies in the heap or the stack area
 * and nothing is mapped there yet. Anything else (a mapped page: the access violated its
 * permissions; an address outside both areas; an instruction fetch from them) is a bad access. */
int vm_fault(struct proc *p, uint32_t va, enum access acc) {
  va &= ~(PAGE_SIZE - 1);
  if (va >= USER_TOP || acc == ACCESS_FETCH) return -1;
  int in_heap = va >= p->heap_base && va < p->brk;
  int in_stack = va >= USER_STACK_TOP - USER_STACK_MAX && va < USER_STACK_TOP;
  if (!in_heap && !in_stack) return -1;
  pte_t *pte = walk(p->pgdir, va, 0);
  if (pte && (*pte & PTE_V)) return -1;
  void *page = page_alloc_zero();
  if (!page) return -1;
  if (vm_map(p->pgdir, va, (uint32_t)page, PTE_U | PTE_R | PTE_W) < 0) {
    page_free(page);
    return -1;
  }
  return 0;
}

/* Check that [va, va+len) is user memory the process may read (or write), faulting in
 * demand-zero pages on the way, so the copy that follows cannot trap. */
int vm_user_ok(struct proc *p, uint32_t va, uint32_t len, int write) {
  if (len == 0) return 0;
  if (va >= USER_TOP || len > USER_TOP - va) return -1;
  pte_t need = PTE_V | PTE_U | (write ? PTE_W : PTE_R);
  for (uint32_t page = va & ~(PAGE_SIZE - 1); page < va + len; page += PAGE_SIZE) {
    pte_t *pte = walk(p->pgdir, page, 0);
    if (!pte || !(*pte & PTE_V)) {
      if (vm_fault(p, page, write ? ACCESS_STORE : ACCESS_LOAD) < 0) return -1;
      pte = walk(p->pgdir, page, 0);
    }
    if ((*pte & need) != need) return -1;
  }
  return 0;
}

int copyin(struct proc *p, void *dst, uint32_t usrc, uint32_t len) {
  if (vm_user_ok(p, usrc, len, 0) < 0) return -1;
  arch_copy_from_user(dst, usrc, len);
  return 0;
}

int copyout(struct proc *p, uint32_t udst, const void *src, uint32_t len) {
  if (vm_user_ok(p, udst, len, 1) < 0) return -1;
  arch_copy_to_user(udst, src, len);
  return 0;
}

int copyinstr(struct proc *p, char *dst, uint32_t usrc, uint32_t size) {
  for (uint32_t i = 0; i < size; i++) {
    if (copyin(p, &dst[i], usrc + i, 1) < 0) return -1;
    if (dst[i] == 0) return (int)i;
  }
  return -1; /* too long */
}

int vm_protect(struct proc *p, uint32_t va, int prot) {
  if ((va & (PAGE_SIZE - 1)) || va >= USER_TOP) return -1;
  if (prot == 0 || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))) return -1;
  pte_t *pte = walk(p->pgdir, va, 0);
  if (!pte || !(*pte & PTE_V)) {
    if (vm_fault(p, va, ACCESS_LOAD) < 0) return -1; /* not even a demand page */
    pte = walk(p->pgdir, va, 0);
  }
  pte_t flags = 0;
  if (prot & PROT_READ) flags |= PTE_R;
  if (prot & PROT_WRITE) flags |= PTE_R | PTE_W | PTE_D; /* W without R is reserved in Sv32 */
  if (prot & PROT_EXEC) flags |= PTE_X;
  set_leaf(p->pgdir, pte, va, (*pte & ~(PTE_LEAF_MASK | PTE_D)) | flags);
  return 0;
}
