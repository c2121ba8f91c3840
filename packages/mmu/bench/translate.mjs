#!/usr/bin/env node
// Translation benchmark: Mmu.translateFast calls per second for TLB hits (a working set of 64
// pages that fits the 256-entry TLB) and TLB misses (4096 pages cycled through, so every call
// walks the two-level table and refills), plus untranslated M-mode accesses. One core.
// Needs `npm run build` first. Usage: node bench/translate.mjs [--seconds N] (default 1 per row)
import { ACCESS_LOAD, Privilege } from '@trapeze/isa';
import {
  Bus,
  Mmu,
  PMP_NAPOT,
  Pmp,
  PTE_A,
  PTE_D,
  PTE_R,
  PTE_V,
  PTE_W,
  pte,
  Ram,
  satp,
} from '../dist/index.js';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 1;
const ROUNDS = 5;
const BASE = 0x8000_0000;
const ram = new Ram(BASE, 32 * 1024 * 1024);
const bus = new Bus();
bus.mapRam(ram);
const pmp = new Pmp();
pmp.writeAddr(0, 0xffff_ffff);
pmp.writeCfg(0, (PMP_NAPOT << 3) | 7);
const mmu = new Mmu(bus, pmp);

// Root table at +16 MiB; 4 second-level tables after it map 4096 pages at 0x40000000 onto RAM.
const root = (BASE + 0x100_0000) / 4096;
for (let t = 0; t < 4; t++) {
  const table = root + 1 + t;
  ram.write((root - BASE / 4096) * 4096 + (0x100 + t) * 4, 4, pte(table, PTE_V));
  for (let i = 0; i < 1024; i++) {
    const page = BASE / 4096 + ((t * 1024 + i) % 4096);
    ram.write(
      (table - BASE / 4096) * 4096 + i * 4,
      4,
      pte(page, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D),
    );
  }
}
const s = satp(1, 1, root);

function measure(name, pages, privilege, satpValue, base) {
  const addresses = new Int32Array(4096);
  for (let i = 0; i < addresses.length; i++)
    addresses[i] = base + (i % pages) * 4096 + ((i * 52) & 0xffc);
  let best = 0;
  const rates = [];
  for (let round = 0; round < ROUNDS; round++) {
    let calls = 0;
    let sink = 0;
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      for (let i = 0; i < addresses.length; i++)
        sink += mmu.translateFast(addresses[i], ACCESS_LOAD, privilege, satpValue, false, false);
      calls += addresses.length;
    }
    if (sink === 0.5) console.log(sink);
    const rate = calls / seconds;
    rates.push(rate);
    best = Math.max(best, rate);
  }
  rates.sort((a, b) => a - b);
  return { name, median: rates[ROUNDS >> 1], best };
}

const rows = [
  measure('TLB hit (64 pages, Sv32)', 64, Privilege.S, s, 0x4000_0000),
  measure('TLB miss (4096 pages, walk + refill)', 4096, Privilege.S, s, 0x4000_0000),
  measure('untranslated (M-mode, 64 pages)', 64, Privilege.M, s, BASE),
];
const fmt = (n) => `${(n / 1e6).toFixed(1)} M/s`;
console.log(`| translateFast | median | best |\n|---|---:|---:|`);
for (const r of rows) console.log(`| ${r.name} | ${fmt(r.median)} | ${fmt(r.best)} |`);
console.log(`\nTLB: ${mmu.hits} hits, ${mmu.misses} misses`);
